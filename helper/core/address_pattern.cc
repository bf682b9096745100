#include "address_pattern.h"

#include <charconv>
#include <vector>

namespace scsi_probe {

bool AddressPattern::matches_host(unsigned h) const { return !host || *host == h; }

bool AddressPattern::matches_target(const ScsiTarget& t) const {
  return matches_host(t.host) && (!channel || *channel == t.channel) && (!target || *target == t.id);
}

bool AddressPattern::matches(const ScsiAddress& a) const {
  return matches_target(target_of(a)) && (!lun || *lun == a.lun);
}

namespace {

// nullopt field: wildcard; false: not a field.
template <typename T>
bool parse_field(std::string_view s, std::optional<T>& out, bool& wildcard) {
  if (s == "*" || s == "-") {
    out.reset();
    wildcard = true;
    return true;
  }
  if (s.empty() || s.size() > 20) return false;
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  out = v;
  return true;
}

}  // namespace

std::optional<AddressPattern> parse_address_pattern(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t colon = text.find(':', start);
    fields.push_back(text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  if (fields.size() > 4) return std::nullopt;
  AddressPattern p;
  bool wildcard = false;
  if (!parse_field(fields[0], p.host, wildcard)) return std::nullopt;
  if (fields.size() > 1 && !parse_field(fields[1], p.channel, wildcard)) return std::nullopt;
  if (fields.size() > 2 && !parse_field(fields[2], p.target, wildcard)) return std::nullopt;
  if (fields.size() > 3 && !parse_field(fields[3], p.lun, wildcard)) return std::nullopt;
  if (fields.size() == 4 && !wildcard) return std::nullopt;
  return p;
}

}  // namespace scsi_probe
