// What a rescan changed, from the SCSI devices before and after it: the
// LUNs added, removed and resized, and those left alone; and whether the
// helper's runs failed on a host or target in scope. Pure: the shell
// (rescan_command.cc) takes the snapshots and runs the rescan.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dry_run.h"
#include "scsi_address.h"

namespace scsi_probe {

struct DeviceSnapshot {
  std::string type;     // "disk", "cd/dvd", ... (peripheral type name)
  std::string vendor, model;
  std::optional<uint64_t> size_bytes;  // a block device's capacity
  std::string kept;     // SCSI_PROBE_KEPT: a removal held back, and why
};

using DeviceSet = std::map<ScsiAddress, DeviceSnapshot>;

// A host or target whose event the rescan raised, as its udev database
// entry reads afterwards.
struct ScanRecord {
  std::string name;     // "host2", "2:0:1"
  bool helper_ran = false;  // SCSI_PROBE_HOST / SCSI_PROBE_TARGET is set
  std::string reason;   // SCSI_PROBE_REASON
};

struct RescanReport {
  std::vector<std::string> lines;  // one per change, then the totals
  bool failed = false;             // a helper run failed (its fallback ran)
};

// `settled`: every event of the rescan was handled in time.
RescanReport report_rescan(const DeviceSet& before, const DeviceSet& after,
                           const std::vector<ScanRecord>& records, bool settled);

// What a dry run found a rescan would do (dry_run.h), in the lines of the
// real report: the LUNs it would add and remove and why, removals it would
// hold back, each scan's reasons, what only a write would show, and the
// totals; `now` is the devices in scope. Marked as a dry run first and last.
std::vector<std::string> report_dry_run(const DeviceSet& now, const DryRunRecord& record);

// Where a rescan is while it waits for udev, for a progress line on a
// terminal.
struct RescanProgress {
  std::chrono::milliseconds elapsed{0};
  int added = 0;             // scsi_devices in scope added so far
  int removed = 0;           // ... and removed
  std::size_t pending = 0;   // change events of the rescan udev has not handled yet
};

// A quick rescan shows no progress.
inline constexpr std::chrono::milliseconds kProgressAfter{1000};

// The progress line, without the carriage return and erasure around it;
// empty before kProgressAfter.
std::string format_rescan_progress(const RescanProgress& p);

}  // namespace scsi_probe
