// The LUN scan of one target on this machine: the stepper of lun_scan.h
// run against the host's sysfs and the target's sg/bsg nodes, for
// `scsi-probe target`.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "deadline_watchdog.h"
#include "dry_run.h"
#include "lun_scan.h"
#include "scan_plan.h"
#include "sysfs_scan.h"

namespace scsi_probe {

struct TargetScanRun {
  ScanTrigger trigger = ScanTrigger::kRescan;
  LunScanHandover from;  // where an earlier run left the scan (its continuation event)
  bool verbose = false;
};

// The handover a continuation event carries (none: the scan from the start).
LunScanHandover handover_from_event();

// A target run's watchdog (deadline_watchdog.h): past cut_deadline
// (walk_budget.h) from the process's start it sends the continuation event
// on the target, and logs it; a run that udevd kills then still has a
// successor. From its creation it hands on the scan from `from` with one
// cut more; during the scan, what the scan says (LunScan::handover()).
class TargetRunWatchdog : public LunScanGuard {
 public:
  TargetRunWatchdog(udev* u, const ScsiTarget& t, const LunScanHandover& from);
  std::optional<LunScanHandover> go_on(const std::optional<LunScanHandover>& h) override;
  // The handover it sent, once the scan is over; nothing is sent after.
  std::optional<LunScanHandover> stop();
  // What it logged of that.
  const std::string& note() const { return note_; }

 private:
  // On the watchdog's thread, or in arm() past the deadline.
  int hand_on(const LunScanHandover& h);

  UdevDevicePtr target_;
  const std::string name_;
  const std::optional<std::chrono::seconds> timeout_;
  // Written by hand_on, read after the watchdog's arm(), disarm() or stop().
  std::optional<LunScanHandover> sent_;
  std::string note_;
  // Last: its thread, which uses the members above, ends first.
  DeadlineWatchdog watchdog_;
};

// Scans one target under the run's watchdog: the scan stops before its next
// action once the watchdog has cut the run.
TargetScanResult scan_target(udev* u, SysfsScsiHost& host, const ScsiTarget& t, const TargetScanRun& run,
                             TargetRunWatchdog& watchdog, std::ostream& err);

// Before a rescan for a REPORTED LUNS DATA HAS CHANGED unit attention on
// LUN `except` (rescan_gate.h): the ones still pending on the target's other
// LUNs (those may_collect_unit_attention allows), collected with one TEST
// UNIT READY each, for at most kCollectBudget (a target of thousands of
// LUNs); then the uevents those raise, awaited for at most kCollectEventWait.
// An event not seen by then comes later and rescans once more.
inline constexpr std::chrono::seconds kCollectBudget{2};
inline constexpr std::chrono::seconds kCollectEventWait{1};
struct InventoryChangeCollection {
  std::vector<uint64_t> collected;  // LUNs that had one
  std::size_t events_unseen = 0;    // of their uevents, not seen in time
  int commands = 0;                 // SCSI commands sent
};
InventoryChangeCollection collect_inventory_changes(udev* u, SysfsScsiHost& host, const ScsiTarget& t,
                                                    uint64_t except);

// The dry run of a target's rescan (dry_run.h): the same scan through the
// recording seams, a list cut by the run's budget followed to its end as the
// real run's continuations would. Returns the scan's reasons.
std::vector<std::string> dry_run_target_scan(udev* u, SysfsScsiHost& host, RecordingScsiHost& dry,
                                             const ScsiTarget& t, const Policy& policy, DryRunRecord& record);

// SCSI_PROBE_* lines describing a scan, for stdout.
void print_scan_result(const ScsiTarget& t, const TargetScanResult& r, std::ostream& out);

}  // namespace scsi_probe
