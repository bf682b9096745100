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

// SCSI_PROBE_* lines describing a scan, for stdout.
void print_scan_result(const ScsiTarget& t, const TargetScanResult& r, std::ostream& out);

}  // namespace scsi_probe
