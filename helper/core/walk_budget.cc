#include "walk_budget.h"

#include <algorithm>
#include <charconv>

#include "kernel_cmdline.h"

namespace scsi_probe {

std::optional<std::chrono::seconds> udev_event_timeout(std::string_view cmdline) {
  std::optional<std::chrono::seconds> found;
  for (const KernelParameter& p : split_kernel_cmdline(cmdline)) {
    if (!p.value || (p.name != "udev.event_timeout" && p.name != "rd.udev.event_timeout")) continue;
    long long n = 0;
    auto [end, ec] = std::from_chars(p.value->data(), p.value->data() + p.value->size(), n);
    if (ec == std::errc() && end == p.value->data() + p.value->size() && n > 0) found = std::chrono::seconds(n);
  }
  return found;
}

std::chrono::seconds walk_budget(std::optional<std::chrono::seconds> event_timeout) {
  const auto timeout = event_timeout.value_or(std::chrono::seconds(180));
  return std::clamp(std::chrono::seconds(timeout / 3), std::chrono::seconds(1), std::chrono::seconds(60));
}

}  // namespace scsi_probe
