#include "properties.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

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

namespace {

// udev 252 drops a line whose value opens a quote that its last byte does
// not close (get_property_from_string()): it sets nothing, and must not
// stand in for an earlier value of its key that udev would keep.
bool udev_keeps_value(std::string_view v) {
  if (v.front() != '"' && v.front() != '\'') return true;
  return v.size() > 1 && v.back() == v.front();
}

}  // namespace

Properties udev_lines(const Properties& props) {
  Properties lines;
  std::unordered_map<std::string_view, std::size_t> last;
  for (const auto& p : props) {
    std::string value = udev_safe_value(p.value);
    if (p.key.empty() || value.empty() || !udev_keeps_value(value)) continue;
    last[p.key] = lines.size();
    lines.push_back({p.key, std::move(value)});
  }
  Properties out;
  out.reserve(last.size());
  for (std::size_t i = 0; i < lines.size(); i++)
    if (last[lines[i].key] == i) out.push_back(std::move(lines[i]));
  return out;
}

std::string format_udev_properties(const Properties& props) {
  std::string out;
  for (const auto& p : udev_lines(props)) {
    out += p.key;
    out += '=';
    out += p.value;
    out += '\n';
  }
  return out;
}

}  // namespace scsi_probe
