#include "fake_scsi_host.h"

#include <cerrno>

#include "report_luns.h"
#include "scan_plan.h"

namespace scsi_probe {

std::optional<int> FakeScsiHost::begin_write(const std::string& text) {
  if (on_write) on_write(text);
  writes_.push_back(text);
  if (removed_after_writes && static_cast<int>(writes_.size()) > *removed_after_writes) removing_ = true;
  if (auto f = failing_writes.find(text); f != failing_writes.end()) return f->second;
  if (removing_) return 0;  // scsi_scan_host_selected: not SHOST_RUNNING, nothing done
  return std::nullopt;
}

bool FakeScsiHost::beyond_limits(unsigned channel, unsigned id) const {
  return channel > max_channel || id >= max_id;
}

void FakeScsiHost::probe_lun(unsigned channel, unsigned id, uint64_t lun) {
  auto t = bus.find({channel, id});
  if (t == bus.end()) return;
  const bool answers = t->second.luns.count(lun) ||
                       (lun == kReportLunsWellKnownLun && t->second.well_known_lun);
  if (answers) devices_.insert({number_, channel, id, lun});
}

void FakeScsiHost::scan_one_target(unsigned channel, unsigned id) {
  if (this_id && id == *this_id) return;  // __scsi_scan_target: not the adapter
  auto t = bus.find({channel, id});
  if (t == bus.end()) return;
  if (!t->second.luns.count(0) && !t->second.kernel_scan_finds_luns) return;
  for (uint64_t lun : t->second.luns)
    if (lun < max_lun) devices_.insert({number_, channel, id, lun});
}

int FakeScsiHost::scan_lun(const ScsiAddress& a) {
  auto text = scan_attribute_value(a.channel, a.target, a.lun);
  if (!text) return ERANGE;
  if (auto done = begin_write(*text)) return *done;
  if (beyond_limits(a.channel, a.target) || a.lun >= max_lun) return EINVAL;
  if (this_id && a.target == *this_id) return 0;
  probe_lun(a.channel, a.target, a.lun);
  return 0;
}

int FakeScsiHost::kernel_scan_target(const ScsiTarget& t) {
  if (auto done = begin_write(scan_attribute_target_value(t.channel, t.id))) return *done;
  if (beyond_limits(t.channel, t.id)) return EINVAL;
  scan_one_target(t.channel, t.id);
  return 0;
}

int FakeScsiHost::kernel_scan_host() {
  if (auto done = begin_write("- - -")) return *done;
  for (unsigned c = 0; c <= max_channel; ++c)
    for (unsigned id = 0; id < max_id; ++id) scan_one_target(c, id);
  return 0;
}

int FakeScsiHost::delete_device(const ScsiAddress& a, std::string_view) {
  if (!devices_.erase(a)) return ENOENT;
  deleted_.push_back(a);
  return 0;
}

}  // namespace scsi_probe
