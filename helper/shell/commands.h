// The subcommands of scsi-probe. Each handles exactly one object, prints
// udev properties on stdout and one summary line on stderr, and returns one
// of the exit codes below.
#pragma once

#include <libudev.h>

#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lun_policy.h"
#include "scan_plan.h"
#include "scsi_address.h"

namespace scsi_probe {

// Exit codes (documented in scsi-probe(8)). udev imports properties only on
// 0, so a partial answer (some command failed, what was valid is printed)
// still exits 0 and says so on stderr and in SCSI_PROBE_WARNING.
enum ExitCode : int {
  kExitOk = 0,
  kExitInternal = 1,    // a bug or out of memory
  kExitUsage = 2,       // bad command line
  kExitNoDevice = 3,    // the object does not exist (any more) or is not SCSI
  kExitNoData = 4,      // the device gave nothing to work with (no INQUIRY)
  kExitCheckLimits = 5,   // check: manual is safe, with limits (hot-added devices need a rescan)
  kExitCheckNotSafe = 6,  // check: manual would lose devices present at boot
  kExitBadPolicy = 7,     // policy check: a policy source has errors (it is ignored whole)
  kExitInUse = 8,         // remove: the device is in use and was kept
  kExitRescanFailed = 9,  // rescan: a helper run failed, or the events were not handled in time
};

struct Invocation {
  std::string object;      // the argument: syspath, devpath, node or kernel name
  std::string action;      // udev ACTION (add, change, ...), from --action or $ACTION
  bool verbose = false;    // more lines on stderr
};

int run_bus(const Invocation& inv, std::ostream& out, std::ostream& err);
int run_device(const Invocation& inv, std::ostream& out, std::ostream& err);
int run_host(const Invocation& inv, std::ostream& out, std::ostream& err);
int run_target(const Invocation& inv, std::ostream& out, std::ostream& err);
// How show and explain print: text, or JSON as systemd's --json=short
// (one line) or --json=pretty (indented).
struct OutputFormat {
  bool json = false;
  bool pretty = false;
};

int run_show(const Invocation& inv, const OutputFormat& format, std::ostream& out, std::ostream& err);
int run_explain(const Invocation& inv, const OutputFormat& format, std::ostream& out, std::ostream& err);
// `inspect_initramfs`: list the running kernel's initramfs (lsinitramfs).
int run_check(bool inspect_initramfs, std::ostream& out, std::ostream& err);
// Raises the change event of a host, target or device (or of every host)
// and waits up to `timeout` for udev to handle it and what it started;
// `dry_run`: says what that would change, changing nothing.
int run_rescan(const Invocation& inv, bool all, bool dry_run, std::chrono::seconds timeout, std::ostream& out,
               std::ostream& err);
// Deletes one scsi_device unless it is in use (`force`: even then).
int run_remove(const Invocation& inv, bool force, std::ostream& out, std::ostream& err);
// `files`: check these instead of the scsi-probe.d folders and the kernel
// command line.
int run_policy_check(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

// /sys/bus/scsi/drivers_autoprobe as the scan mode wants it
// (drivers_autoprobe.h), a change logged; `verb` and `object` name the run
// on stderr. Returns the setting in force, nullopt when it cannot be read.
std::optional<bool> apply_drivers_autoprobe(ScanMode mode, std::string_view verb, std::string_view object,
                                            std::ostream& err);

class SysfsScsiHost;

// Target handoffs (device_handoff.h): a host run drops its host's files
// before its first write, and leaves one for each target a kernel scan of
// the run created; a remote-port run leaves one for the target it scanned.
void drop_target_handoffs(unsigned host);
void hand_off_target(const ScsiTarget& t, std::string_view reason, std::ostream& err);
void hand_off_kernel_scanned_targets(const SysfsScsiHost& hs, std::ostream& err);

// For host and target runs: identifies each device the run creates, as
// `scsi-probe device` would on its add event, and hands the keys to that
// event (device_handoff.h). Threads of their own (each with its own
// libudev context) take each device as the write that created it returns,
// so that identifications and binds overlap the writes that find the next
// devices and each other, as sd binds while the kernel's own scan goes on
// and probes several devices at once: a new thread (up to
// kIdentifyWorkers) whenever every one is busy; each bind waits for the
// device created before it to have its name, so that sd, sr and st names
// follow creation order. The REPORT LUNS well-known
// LUN, which the run may still use and delete, waits for the end. finish()
// logs one line per device.
inline constexpr std::size_t kIdentifyWorkers = 4;
inline constexpr std::chrono::seconds kBindOrderWait{5};
class CreatedDevices {
 public:
  // Takes the devices `hs`'s writes create from now until finish().
  // `policy`: the LUN policy the run loaded already (else the thread loads
  // it, once).
  CreatedDevices(SysfsScsiHost& hs, std::chrono::steady_clock::time_point run_start,
                 std::optional<Policy> policy = std::nullopt);
  ~CreatedDevices();
  CreatedDevices(const CreatedDevices&) = delete;
  CreatedDevices& operator=(const CreatedDevices&) = delete;

  void add(const ScsiAddress& a);
  // Waits for every device added to be done, then logs to `err`.
  void finish(std::ostream& err);

 private:
  struct State;
  SysfsScsiHost& hs_;
  std::unique_ptr<State> s_;
};

}  // namespace scsi_probe
