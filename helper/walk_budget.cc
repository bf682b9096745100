#include "walk_budget.h"

#include <algorithm>
#include <charconv>

namespace scsi_probe {

std::optional<std::chrono::seconds> udev_event_timeout(std::string_view cmdline) {
  std::optional<std::chrono::seconds> found;
  while (!cmdline.empty()) {
    const auto space = cmdline.find_first_of(" \t\n");
    std::string_view word = cmdline.substr(0, space);
    cmdline = space == std::string_view::npos ? std::string_view() : cmdline.substr(space + 1);
    for (std::string_view key : {"udev.event_timeout=", "rd.udev.event_timeout="}) {
      if (!word.starts_with(key)) continue;
      std::string_view v = word.substr(key.size());
      long long n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec == std::errc() && end == v.data() + v.size() && n > 0) found = std::chrono::seconds(n);
    }
  }
  return found;
}

std::chrono::seconds walk_budget(std::optional<std::chrono::seconds> event_timeout) {
  const auto timeout = event_timeout.value_or(std::chrono::seconds(180));
  return std::clamp(std::chrono::seconds(timeout / 3), std::chrono::seconds(1), std::chrono::seconds(60));
}

}  // namespace scsi_probe
