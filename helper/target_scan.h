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

#include "lun_scan.h"
#include "scan_plan.h"
#include "sysfs_scan.h"

namespace scsi_probe {

// Scans one target. `cursor` resumes a list cut by an earlier run.
TargetScanResult scan_target(udev* u, SysfsScsiHost& host, const ScsiTarget& t, ScanTrigger trigger,
                             std::size_t cursor, bool verbose, std::ostream& err);

// How one target ID was probed: LUN 0 instantiated; else the REPORT LUNS
// well-known LUN; where the host refuses that LUN, the kernel's scan of that
// one target ("C T -"). kPastLimits: EINVAL, the ID (or, for ID 0, the
// channel) is beyond the host's limits.
enum class TargetProbe { kLun0, kWellKnownLun, kKernelScan, kNothing, kPastLimits, kFailed, kHostGone };

struct TargetProbeResult {
  TargetProbe how = TargetProbe::kNothing;
  bool found = false;  // a target exists at the ID afterwards
  std::string note;    // for the log, when something is worth saying
};

// `wlun_refused` carries the host's refusal of the well-known LUN from one
// ID to the next (set here when first seen).
TargetProbeResult probe_target(ScsiHost& hs, const ScsiTarget& t, bool& wlun_refused);

// SCSI_PROBE_* lines describing a scan, for stdout.
void print_scan_result(const ScsiTarget& t, const TargetScanResult& r, std::ostream& out);

}  // namespace scsi_probe
