#include "fake_lun_scan_io.h"

#include "report_luns.h"

namespace scsi_probe {

const std::set<uint64_t>& FakeLunScanIo::mapped() const {
  static const std::set<uint64_t> none;
  auto t = host_.bus.find({t_.channel, t_.id});
  return t == host_.bus.end() ? none : t->second.luns;
}

LunCommandAnswer FakeLunScanIo::report_luns(uint64_t lun) {
  LunCommandAnswer a;
  if (!host_.device_exists(t_.lun(lun))) {
    a.absent = true;
    return a;
  }
  log.push_back("REPORT LUNS " + std::to_string(lun));
  a.commands = 1;
  if (report_luns_error) {
    a.error = *report_luns_error;
    return a;
  }
  a.ok = true;
  std::vector<uint64_t> listed;
  for (uint64_t l : mapped())
    if (!unlisted.count(l)) listed.push_back(l);
  const auto length = static_cast<uint32_t>(listed.size() * 8);
  a.data = {static_cast<uint8_t>(length >> 24), static_cast<uint8_t>(length >> 16), static_cast<uint8_t>(length >> 8),
            static_cast<uint8_t>(length), 0, 0, 0, 0};
  for (uint64_t l : listed) {
    const ScsiLun entry = scsilun_from_linux_lun(l);
    a.data.insert(a.data.end(), entry.begin(), entry.end());
  }
  return a;
}

LunCommandAnswer FakeLunScanIo::inquiry(uint64_t lun) {
  LunCommandAnswer a;
  if (!host_.device_exists(t_.lun(lun))) {
    a.absent = true;
    return a;
  }
  log.push_back("INQUIRY " + std::to_string(lun));
  a.commands = 1;
  a.ok = true;
  a.data.assign(36, 0);
  a.data[0] = mapped().count(lun) ? 0x00 : 0x7f;  // a disk, or PQ 3: no LUN here
  a.data[2] = 6;
  a.data[4] = 31;
  return a;
}

std::optional<UseVerdict> FakeLunScanIo::use(uint64_t lun) {
  if (!host_.device_exists(t_.lun(lun))) return std::nullopt;
  if (in_use.count(lun)) return UseVerdict{true, "in use: mounted at /srv (sdb)"};
  return UseVerdict{false, "not in use"};
}

void FakeLunScanIo::wait(std::chrono::seconds d) {
  log.push_back("wait " + std::to_string(d.count()) + " s");
  now += d;
  if (on_wait) on_wait();
}

}  // namespace scsi_probe
