#include "device_use.h"

#include <charconv>

#include "text.h"

namespace scsi_probe {

namespace {

// The kernel's seq_file escapes (mangle_path): a backslash and three octal
// digits for blanks, tabs, newlines and backslashes.
std::string unescape_octal(std::string_view s) {
  auto oct = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 4 <= s.size() &&
        oct(s[i + 1]) && oct(s[i + 2]) && oct(s[i + 3])) {
      out += static_cast<char>(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
      i += 3;
      continue;
    }
    out += s[i];
  }
  return out;
}

template <typename F>
void for_each_line(std::string_view text, F f) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    f(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

void add(std::string& reason, const std::string& part) {
  reason += (reason.empty() ? "in use: " : "; ") + part;
}

}  // namespace

std::optional<std::pair<unsigned, unsigned>> parse_device_number(std::string_view text) {
  text = trim_end(text, "\n ");
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  unsigned major = 0, minor = 0;
  auto a = std::from_chars(text.data(), text.data() + colon, major);
  auto b = std::from_chars(text.data() + colon + 1, text.data() + text.size(), minor);
  if (a.ec != std::errc{} || a.ptr != text.data() + colon || b.ec != std::errc{} ||
      b.ptr != text.data() + text.size())
    return std::nullopt;
  return std::pair{major, minor};
}

std::vector<MountedNode> parse_mountinfo(std::string_view text) {
  std::vector<MountedNode> out;
  for_each_line(text, [&](std::string_view line) {
    // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT ...
    auto f = split_words(line);
    if (f.size() < 5) return;
    auto dev = parse_device_number(f[2]);
    if (!dev) return;
    out.push_back({dev->first, dev->second, unescape_octal(f[4])});
  });
  return out;
}

std::vector<MountedNode> parse_swaps(std::string_view text) {
  std::vector<MountedNode> out;
  bool header = true;
  for_each_line(text, [&](std::string_view line) {
    if (header) {
      header = false;
      return;
    }
    auto f = split_words(line);
    if (f.empty()) return;
    out.push_back({0, 0, unescape_octal(f[0])});
  });
  return out;
}

UseVerdict decide_device_use(const DeviceUseFacts& facts) {
  std::string reason;
  for (const auto& b : facts.blocks) {
    for (const auto& m : facts.mounts)
      if (m.major == b.major && m.minor == b.minor) add(reason, "mounted at " + m.where + " (" + b.name + ")");
    for (const auto& s : facts.swaps)
      if (s.major == b.major && s.minor == b.minor) add(reason, "swap on " + s.where + " (" + b.name + ")");
    for (const auto& h : b.holders) add(reason, "held by " + h + " (" + b.name + ")");
  }
  for (const auto& o : facts.openers)
    add(reason, "open by pid " + std::to_string(o.pid) + " (" + o.command + ") on " + o.node);
  // The claim tells the same as a mount or holder seen above; alone it is a
  // user of another mount namespace or an exclusive opener.
  if (facts.exclusive == ExclusiveOpen::kBusy && reason.empty())
    add(reason, "claimed by the kernel (exclusive open: EBUSY)");
  for (const auto& u : facts.unknown) add(reason, "cannot tell (" + u + ")");
  UseVerdict v;
  v.in_use = !reason.empty();
  v.reason = v.in_use ? reason : "not in use";
  return v;
}

}  // namespace scsi_probe
