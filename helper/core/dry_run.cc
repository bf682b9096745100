#include "dry_run.h"

#include <algorithm>
#include <cerrno>

#include "report_luns.h"
#include "text.h"

namespace scsi_probe {

RecordingScsiHost::RecordingScsiHost(const ScsiHost& real, DryRunRecord& record) : real_(real), record_(record) {}

void RecordingScsiHost::listed(const ScsiTarget& t, const std::vector<uint64_t>& luns, uint64_t through) {
  listed_[t] = {std::set<uint64_t>(luns.begin(), luns.end()), through};
}

std::vector<ScsiAddress> RecordingScsiHost::devices() const {
  std::vector<ScsiAddress> out;
  for (const ScsiAddress& a : real_.devices())
    if (!deleted_.count(a)) out.push_back(a);
  out.insert(out.end(), added_.begin(), added_.end());
  std::sort(out.begin(), out.end());
  return out;
}

// The dry run's stand-in for the EINVAL of a write past the host's limits:
// a channel past the last one with a target, an ID past the last target of
// its channel (ID 0 of a channel below that is probed: the walk takes EINVAL
// there for the end of the host).
bool RecordingScsiHost::past_known_targets(const ScsiTarget& t) const {
  const std::vector<ScsiTarget> known = real_.targets();
  unsigned last_channel = 0, last_id = 0;
  bool channel_known = false;
  for (const ScsiTarget& k : known) {
    last_channel = std::max(last_channel, k.channel);
    if (k.channel == t.channel) {
      channel_known = true;
      last_id = std::max(last_id, k.id);
    }
  }
  if (known.empty() || t.channel > last_channel) return true;
  return t.id > 0 && (!channel_known || t.id > last_id);
}

int RecordingScsiHost::scan_lun(const ScsiAddress& a) {
  if (device_exists(a)) return 0;  // the kernel probes an existing LUN no further
  const ScsiTarget t = target_of(a);
  auto l = listed_.find(t);
  if (l != listed_.end() && l->second.first.count(a.lun)) {
    added_.insert(a);
    deleted_.erase(a);
    record_.add.push_back({a, concat({"listed by REPORT LUNS via LUN ", std::to_string(l->second.second)})});
    return 0;
  }
  if (l != listed_.end() || !real_.target_luns(t).empty()) {
    record_.unknown.push_back(
        {format_scsi_address(a), "a scan write would probe it: whether it answers only the write shows"});
    return 0;
  }
  // An ID without a target: a probe of the walk (or of a remote port).
  if (past_known_targets(t)) return EINVAL;
  probed_.insert(t);
  return 0;
}

int RecordingScsiHost::kernel_scan_target(const ScsiTarget& t) {
  record_.unknown.push_back(
      {format_scsi_target(t), "the kernel's scan of the target (\"C T -\"): what it finds only the write shows"});
  return 0;
}

int RecordingScsiHost::kernel_scan_host() {
  kernel_host_scan_ = true;
  return 0;
}

int RecordingScsiHost::delete_device(const ScsiAddress& a, std::string_view reason) {
  // A LUN this dry run would add (the well-known LUN, written to reach a
  // target) and delete again changes nothing.
  if (added_.erase(a)) {
    std::erase_if(record_.add, [&](const DryRunLun& x) { return x.address == a; });
    return 0;
  }
  deleted_.insert(a);
  record_.remove.push_back({a, std::string(reason)});
  return 0;
}

LunCommandAnswer RecordingLunScanIo::report_luns(uint64_t lun) {
  LunCommandAnswer a = real_.report_luns(lun);
  if (a.ok)
    if (auto list = parse_report_luns(a.data)) {
      std::vector<uint64_t> luns;
      for (const auto& l : list->luns) luns.push_back(linux_lun_from_scsilun(l));
      host_.listed(t_, luns, lun);
    }
  return a;
}

std::string describe_new_target_probes(const std::set<ScsiTarget>& probed, bool kernel_host_scan, bool ports) {
  const std::string only = "what answers there only a scan write shows";
  if (kernel_host_scan)
    return concat({"new targets: the kernel's scan of the host (\"- - -\") would probe every ID without a target; ",
                   only});
  // A few IDs say where; a sparse bus of hundreds needs no list.
  constexpr std::size_t kListed = 8;
  std::string ids;
  std::size_t n = 0;
  for (const ScsiTarget& t : probed) {
    if (n++ == kListed) {
      ids += " ... (" + std::to_string(probed.size()) + " in all)";
      break;
    }
    ids += ids.empty() ? "" : " ";
    ids += std::to_string(t.channel) + ":" + std::to_string(t.id);
  }
  if (ports)
    return probed.empty() ? std::string("new targets: none, every remote port's target has LUNs")
                          : concat({"new targets: the remote ports' targets without LUNs would be probed (", ids,
                                    "); ", only});
  return concat({"new targets: the walk would probe each ID without a target up to the host's limits (",
                 probed.empty() ? std::string("none among the known targets") : "among the known targets: " + ids,
                 "; the limits only a write shows); ", only});
}

}  // namespace scsi_probe
