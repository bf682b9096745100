#include "rescan_report.h"

#include <algorithm>

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

std::vector<std::string> report_dry_run(const DeviceSet& now, const DryRunRecord& record) {
  std::vector<std::string> lines{"dry run: nothing is changed; a rescan would do what follows"};
  auto by_address = [](std::vector<DryRunLun> luns) {
    std::stable_sort(luns.begin(), luns.end(),
                     [](const DryRunLun& a, const DryRunLun& b) { return a.address < b.address; });
    return luns;
  };
  for (const DryRunLun& l : by_address(record.add))
    lines.push_back("add      " + format_scsi_address(l.address) + "  " + l.reason);
  int removed = 0;
  for (const DryRunLun& l : by_address(record.remove)) {
    lines.push_back("remove   " + format_scsi_address(l.address) + "  " + l.reason);
    removed += now.count(l.address) ? 1 : 0;
  }
  for (const DryRunNote& n : record.keep) lines.push_back("keep     " + n.name + "  " + n.text);
  for (const DryRunNote& n : record.scanned) lines.push_back("scanned  " + n.name + "  " + n.text);
  for (const DryRunNote& n : record.unknown) lines.push_back("unknown  " + n.name + "  " + n.text);
  lines.push_back(std::to_string(record.add.size()) + " to add, " + std::to_string(record.remove.size()) +
                  " to remove, " + std::to_string(now.size() - static_cast<std::size_t>(removed)) +
                  " left alone (dry run: nothing was changed)");
  return lines;
}

std::string format_rescan_progress(const RescanProgress& p) {
  if (p.elapsed < kProgressAfter) return {};
  std::string s = "rescanning: " + std::to_string(p.added) + " LUN(s) added, " + std::to_string(p.removed) +
                  " removed so far, ";
  s += p.pending ? "waiting for " + std::to_string(p.pending) + " event(s) of this rescan"
                 : std::string("waiting for udev's queue");
  s += ", " + std::to_string(p.elapsed.count() / 1000) + " s";
  return s;
}

}  // namespace scsi_probe
