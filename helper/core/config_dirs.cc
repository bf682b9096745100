#include "config_dirs.h"

#include <algorithm>
#include <map>

namespace scsi_probe {

ConfigChoice choose_config_files(const std::vector<ConfigEntry>& found,
                                 std::span<const std::string_view> directories) {
  auto rank = [&](const ConfigEntry& e) {
    return std::find(directories.begin(), directories.end(), e.directory) - directories.begin();
  };
  // Per name, the entry of the folder with the highest priority.
  std::map<std::string, const ConfigEntry*> winner;
  for (const ConfigEntry& e : found) {
    if (rank(e) == static_cast<std::ptrdiff_t>(directories.size())) continue;
    auto [it, fresh] = winner.emplace(e.name, &e);
    if (!fresh && rank(e) < rank(*it->second)) it->second = &e;
  }
  ConfigChoice c;
  for (const auto& [name, e] : winner) {
    if (e->masks)
      c.masked.push_back(name);
    else
      c.in_force.push_back(e->directory + "/" + name);
  }
  for (const ConfigEntry& e : found)
    if (auto it = winner.find(e.name); it != winner.end() && it->second != &e &&
                                       rank(e) < static_cast<std::ptrdiff_t>(directories.size()))
      c.overridden.push_back(e.directory + "/" + e.name);
  std::sort(c.overridden.begin(), c.overridden.end());
  return c;
}

}  // namespace scsi_probe
