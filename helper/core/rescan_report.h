// What a rescan changed, from the SCSI devices before and after it: the
// LUNs added, removed and resized, and those left alone; and whether the
// helper's runs failed on a host or target in scope. Pure: the shell
// (rescan_command.cc) takes the snapshots and runs the rescan.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

}  // namespace scsi_probe
