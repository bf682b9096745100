#include "walk_budget.h"

#include <algorithm>
#include <charconv>

#include "kernel_cmdline.h"
#include "text.h"

namespace scsi_probe {

namespace {

std::optional<std::chrono::seconds> positive_seconds(std::string_view text) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return std::chrono::seconds(n);
}

}  // namespace

std::optional<std::chrono::seconds> udev_event_timeout(std::string_view cmdline) {
  std::optional<std::chrono::seconds> found;
  for (const KernelParameter& p : split_kernel_cmdline(cmdline)) {
    std::string name(p.name);
    std::replace(name.begin(), name.end(), '-', '_');
    if (!p.value || (name != "udev.event_timeout" && name != "rd.udev.event_timeout")) continue;
    if (auto s = positive_seconds(*p.value)) found = s;
  }
  return found;
}

std::optional<std::chrono::seconds> udev_conf_event_timeout(std::string_view conf) {
  std::optional<std::chrono::seconds> found;
  for (std::string_view line : split_words(conf, "\n")) {
    line = trim(line);
    const std::size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string_view::npos || trim(line.substr(0, eq)) != "event_timeout")
      continue;
    std::string_view value = trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0])
      value = value.substr(1, value.size() - 2);
    if (auto s = positive_seconds(value)) found = s;
  }
  return found;
}

namespace {

std::chrono::seconds timeout_or_default(std::optional<std::chrono::seconds> event_timeout) {
  return event_timeout.value_or(std::chrono::seconds(180));
}

}  // namespace

std::chrono::seconds walk_budget(std::optional<std::chrono::seconds> event_timeout) {
  return std::clamp(timeout_or_default(event_timeout) / 3, std::chrono::seconds(1), std::chrono::seconds(60));
}

std::chrono::seconds target_batch_time(std::optional<std::chrono::seconds> event_timeout) {
  return std::clamp(timeout_or_default(event_timeout) / 6, std::chrono::seconds(1), std::chrono::seconds(30));
}

std::optional<unsigned long long> process_start_ticks(std::string_view proc_stat) {
  // The command name, in parentheses, may hold blanks and parentheses itself.
  const std::size_t close = proc_stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  std::string_view rest = proc_stat.substr(close + 1);
  // Fields 3 (state) to 22 (starttime) follow.
  for (int field = 3;; ++field) {
    const std::size_t begin = rest.find_first_not_of(' ');
    if (begin == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(begin);
    const std::string_view word = rest.substr(0, rest.find(' '));
    if (field == 22) {
      unsigned long long n = 0;
      auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
      if (ec != std::errc() || end != word.data() + word.size()) return std::nullopt;
      return n;
    }
    rest.remove_prefix(word.size());
  }
}

std::chrono::seconds cut_deadline(std::optional<std::chrono::seconds> event_timeout) {
  return std::max(timeout_or_default(event_timeout) * 2 / 3, std::chrono::seconds(1));
}

std::string describe_cut(std::optional<std::chrono::seconds> event_timeout) {
  return "run cut at " + std::to_string(cut_deadline(event_timeout).count()) + " s (udev kills it at " +
         std::to_string(timeout_or_default(event_timeout).count()) + " s)";
}

}  // namespace scsi_probe
