#include "rescan_report.h"

#include "show_tree.h"

namespace scsi_probe {

namespace {

std::string describe(const DeviceSnapshot& d) {
  std::string s = d.type.empty() ? "?" : d.type;
  if (!d.vendor.empty() || !d.model.empty()) s += " " + d.vendor + " " + d.model;
  if (d.size_bytes) s += ", " + format_size(*d.size_bytes);
  return s;
}

}  // namespace

RescanReport report_rescan(const DeviceSet& before, const DeviceSet& after,
                           const std::vector<ScanRecord>& records, bool settled) {
  RescanReport r;
  int added = 0, removed = 0, resized = 0, unchanged = 0;
  for (const auto& [a, d] : after) {
    auto was = before.find(a);
    if (was == before.end()) {
      r.lines.push_back("added    " + format_scsi_address(a) + "  " + describe(d));
      ++added;
    } else if (was->second.size_bytes && d.size_bytes && *was->second.size_bytes != *d.size_bytes) {
      r.lines.push_back("resized  " + format_scsi_address(a) + "  " + format_size(*was->second.size_bytes) +
                        " -> " + format_size(*d.size_bytes));
      ++resized;
    } else {
      if (!d.kept.empty()) r.lines.push_back("kept     " + format_scsi_address(a) + "  " + d.kept);
      ++unchanged;
    }
  }
  for (const auto& [a, d] : before)
    if (!after.count(a)) {
      r.lines.push_back("removed  " + format_scsi_address(a) + "  " + describe(d));
      ++removed;
    }
  for (const ScanRecord& s : records) {
    if (!s.helper_ran) {
      r.lines.push_back("failed   " + s.name + "  scsi-probe did not finish; the kernel's scan stood in");
      r.failed = true;
    } else if (!s.reason.empty()) {
      r.lines.push_back("scanned  " + s.name + "  " + s.reason);
    }
  }
  if (!settled) {
    r.lines.push_back("timeout  the rescan's events were not all handled in time; what is above may be partial");
    r.failed = true;
  }
  r.lines.push_back(std::to_string(added) + " added, " + std::to_string(removed) + " removed, " +
                    std::to_string(resized) + " resized, " + std::to_string(unchanged) + " left alone");
  return r;
}

}  // namespace scsi_probe
