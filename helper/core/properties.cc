#include "properties.h"

#include <algorithm>

#include "udev_string.h"

namespace scsi_probe {

void set_property(Properties& props, std::string_view key, std::string_view value) {
  auto it = std::find_if(props.begin(), props.end(),
                         [&](const Property& p) { return p.key == key; });
  if (it != props.end())
    it->value = value;
  else
    props.push_back({std::string(key), std::string(value)});
}

const std::string* find_property(const Properties& props, std::string_view key) {
  for (const auto& p : props)
    if (p.key == key) return &p.value;
  return nullptr;
}

std::string format_properties(const Properties& props) {
  std::string out;
  for (const auto& p : props) {
    out += p.key;
    out += '=';
    out += p.value;
    out += '\n';
  }
  return out;
}

std::string format_udev_properties(const Properties& props) {
  std::string out;
  for (const auto& p : props) {
    const std::string value = udev_safe_value(p.value);
    if (p.key.empty() || value.empty()) continue;
    out += p.key;
    out += '=';
    out += value;
    out += '\n';
  }
  return out;
}

}  // namespace scsi_probe
