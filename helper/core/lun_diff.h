// REPORTED LUNS DATA HAS CHANGED: the kernel never rescans LUNs on it, so
// user space compares the target's new LUN list with what sysfs holds. New
// LUNs are the kInstantiate entries of choose_reported_luns (scan_plan.h:
// existing LUNs come out as kAlreadyPresent); gone LUNs are the removal
// candidates below, and one is removed only when the LUN itself confirms on
// a fresh command that nothing is there any more.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace scsi_probe {

// The LUNs in sysfs (`existing`) that the new REPORT LUNS list (`reported`,
// Linux LUNs) no longer names, ascending, each once. Well-known LUNs are
// never candidates: REPORT LUNS (SELECT REPORT 00h) does not list them, and
// the REPORT LUNS well-known LUN may be the one the list was read through.
std::vector<uint64_t> removal_candidates(std::span<const uint64_t> existing,
                                         std::span<const uint64_t> reported);

struct RemovalDecision {
  bool remove = false;  // write 1 to the device's `delete`
  std::string reason;
};

// The answer of a removal candidate to a fresh INQUIRY sent to it.
struct RemovalAnswer {
  bool command_ok = false;
  std::span<const uint8_t> inquiry;  // its data, when command_ok
  std::span<const uint8_t> sense;    // of a CHECK CONDITION (fixed or descriptor); may be empty
  uint8_t host_status = 0;           // Linux host byte of a failed command (DID_*)
  // The device's sysfs state was "running" before the command: the midlayer
  // itself fails commands to offline and blocked devices with DID_NO_CONNECT,
  // which then says nothing about the LUN.
  bool device_running = true;
};

// Linux's DID_NO_CONNECT host byte: the LLD found nothing at this address
// (scsi_debug, and FC/SAS LLDs for a LUN the port no longer presents).
constexpr uint8_t kHostByteNoConnect = 0x01;

// Removes only on peripheral qualifier 3, qualifier 1 with type 0x1f (the
// kernel's own "no device" rule of scsi_probe_and_add_lun; any qualifier with
// type 0x1f on a `pdt_1f_for_no_lun` target), ILLEGAL REQUEST with LOGICAL
// UNIT NOT SUPPORTED (ASC 25h), or DID_NO_CONNECT from a running device.
// Anything else keeps the LUN: a unit attention, another transport failure,
// an offline device, no answer at all.
RemovalDecision confirm_removal(const RemovalAnswer& answer, bool pdt_1f_for_no_lun = false);

}  // namespace scsi_probe
