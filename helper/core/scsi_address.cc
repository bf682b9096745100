#include "scsi_address.h"

#include <charconv>
#include <limits>

namespace scsi_probe {

namespace {

// Reads one decimal number up to `stop` (or the end); no sign, no blanks.
template <typename T>
bool take_number(std::string_view& text, char stop, T& out) {
  std::size_t end = stop ? text.find(stop) : text.size();
  if (end == std::string_view::npos) return false;
  std::string_view digits = text.substr(0, end);
  if (digits.empty() || digits.size() > 20) return false;
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return false;
  text.remove_prefix(stop ? end + 1 : end);
  return true;
}

bool take_prefix(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::optional<ScsiAddress> parse_scsi_address(std::string_view text) {
  ScsiAddress a;
  if (take_number(text, ':', a.host) && take_number(text, ':', a.channel) &&
      take_number(text, ':', a.target) && take_number(text, '\0', a.lun) && text.empty())
    return a;
  return std::nullopt;
}

std::optional<ScsiTarget> parse_target_name(std::string_view text) {
  ScsiTarget t;
  if (take_prefix(text, "target") && take_number(text, ':', t.host) &&
      take_number(text, ':', t.channel) && take_number(text, '\0', t.id) && text.empty())
    return t;
  return std::nullopt;
}

std::optional<ScsiTarget> target_in_path(std::string_view path) {
  std::optional<ScsiTarget> found;
  while (!path.empty()) {
    auto slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (auto t = parse_target_name(part)) found = t;
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return found;
}

std::optional<unsigned> parse_host_name(std::string_view text) {
  unsigned h = 0;
  if (take_prefix(text, "host") && take_number(text, '\0', h) && text.empty()) return h;
  return std::nullopt;
}

std::string format_scsi_address(const ScsiAddress& a) {
  return std::to_string(a.host) + ":" + std::to_string(a.channel) + ":" +
         std::to_string(a.target) + ":" + std::to_string(a.lun);
}

std::string format_scsi_target(const ScsiTarget& t) {
  return std::to_string(t.host) + ":" + std::to_string(t.channel) + ":" + std::to_string(t.id);
}

std::string target_sysname(const ScsiTarget& t) { return "target" + format_scsi_target(t); }

std::string host_sysname(unsigned host) { return "host" + std::to_string(host); }

}  // namespace scsi_probe
