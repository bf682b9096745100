#include "scsi_host.h"

#include <algorithm>

namespace scsi_probe {

bool ScsiHost::device_exists(const ScsiAddress& a) const {
  const std::vector<ScsiAddress> all = devices();
  return std::binary_search(all.begin(), all.end(), a);
}

std::vector<uint64_t> ScsiHost::target_luns(const ScsiTarget& t) const {
  std::vector<uint64_t> luns;
  for (const ScsiAddress& a : devices())
    if (target_of(a) == t) luns.push_back(a.lun);
  return luns;
}

std::vector<ScsiTarget> ScsiHost::targets() const {
  std::vector<ScsiTarget> out;
  for (const ScsiAddress& a : devices())
    if (out.empty() || out.back() != target_of(a)) out.push_back(target_of(a));
  return out;
}

}  // namespace scsi_probe
