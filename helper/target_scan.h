// The LUN scan of one target, shared by `scsi-probe target` and the rescan
// of `scsi-probe host`: the kernel's own per-target scan (REPORT LUNS, or its
// sequential walk) reproduced from user space, each LUN instantiated with the
// host's `scan` attribute; on a rescan also the removal of LUNs that are gone.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "quirks.h"
#include "scan_plan.h"
#include "sysfs_scan.h"

namespace scsi_probe {

// Between the two checks of a LUN its target stopped reporting, before it is
// removed (unreported=remove): a LUN mapped again meanwhile stays.
inline constexpr std::chrono::seconds kUnreportedRecheckWait{5};

struct TargetScanResult {
  int added = 0;
  int removed = 0;
  int commands = 0;
  bool kernel_fallback = false;            // "C T -" was written
  bool host_gone = false;                  // the host went away: scan stopped
  std::optional<std::size_t> continue_at;  // cursor for the next run
  std::vector<std::string> reasons;
};

// Scans one target. `cursor` resumes a list cut by an earlier run.
TargetScanResult scan_target(udev* u, SysfsScsiHost& host, const ScsiTarget& t, ScanTrigger trigger,
                             std::size_t cursor, bool verbose, std::ostream& err);

// SCSI_PROBE_* lines describing a scan, for stdout.
void print_scan_result(const ScsiTarget& t, const TargetScanResult& r, std::ostream& out);

}  // namespace scsi_probe
