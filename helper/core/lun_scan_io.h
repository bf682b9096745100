// What the LUN scan of one target (lun_scan.h) needs from the machine
// besides the host's `scan` and `delete` attributes (scsi_host.h): SCSI
// commands to its LUNs through their sg/bsg nodes, the facts of the LUN the
// target answers through, whether a LUN is in use, the handoff file of a LUN
// a scan run created, the clock, and the system log. The shell implements it
// over ScsiChannel and libudev (target_scan.cc); unit tests over a simulated
// target (fake_lun_scan_io.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "blist_flags.h"
#include "change_log.h"
#include "device_use.h"

namespace scsi_probe {

// A command sent to one LUN of the target.
struct LunCommandAnswer {
  bool absent = false;      // no scsi_device at that LUN: nothing was sent
  std::string unreachable;  // non-empty: none of its nodes opened (why)
  bool ok = false;          // the command completed with GOOD status
  std::vector<uint8_t> data;
  std::vector<uint8_t> sense;
  uint8_t host_status = 0;  // Linux host byte (DID_*) of a transport failure
  std::string error;        // one line for the log when !ok
  int commands = 0;         // SCSI commands sent (retries included)
  // INQUIRY only: the device's sysfs state was "running" before the command.
  bool running = true;
};

// The LUN the target answers through, as the kernel's scan would see it.
struct AnsweringLunFacts {
  bool inquiry = false;  // its standard INQUIRY data is known
  int scsi_level = 0;    // starget->scsi_level (kernel_scsi_level, or sysfs)
  BlistFlags flags = 0;  // its quirks (scsi_get_device_flags)
};

class LunScanIo {
 public:
  virtual ~LunScanIo() = default;

  virtual AnsweringLunFacts answering_lun(uint64_t lun) = 0;
  // REPORT LUNS (SELECT REPORT 00h) through the LUN.
  virtual LunCommandAnswer report_luns(uint64_t lun) = 0;
  // A fresh standard INQUIRY of the LUN (36 bytes).
  virtual LunCommandAnswer inquiry(uint64_t lun) = 0;
  // Whether the LUN is in use (mounted, held, open); nullopt: no such device.
  virtual std::optional<UseVerdict> use(uint64_t lun) = 0;
  // A scan run of scsi-probe created the LUN and its add event has not run
  // yet: its handoff file is there (device_handoff.h).
  virtual bool handoff_exists(uint64_t lun) = 0;

  // Time since the scan started.
  virtual std::chrono::milliseconds elapsed() = 0;
  virtual void wait(std::chrono::seconds d) = 0;
  // One change the scan made or refused to make, for the system log.
  virtual void record(const ChangeRecord& r) = 0;
};

}  // namespace scsi_probe
