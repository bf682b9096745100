#include "kernel_cmdline.h"

namespace scsi_probe {

namespace {

// isspace() in the C locale, as the kernel's next_arg() uses it.
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

std::vector<KernelParameter> split_kernel_cmdline(std::string_view cmdline) {
  std::vector<KernelParameter> words;
  std::size_t i = 0;
  while (i < cmdline.size()) {
    while (i < cmdline.size() && is_space(cmdline[i])) ++i;
    if (i == cmdline.size()) break;
    const bool quoted = cmdline[i] == '"';
    if (quoted) ++i;
    const std::size_t start = i;
    bool in_quote = quoted;
    std::optional<std::size_t> equals;
    for (; i < cmdline.size(); ++i) {
      if (is_space(cmdline[i]) && !in_quote) break;
      if (!equals && cmdline[i] == '=') equals = i - start;
      if (cmdline[i] == '"') in_quote = !in_quote;
    }
    const std::string_view word = cmdline.substr(start, i - start);
    if (!quoted && word == "--") break;
    KernelParameter p{word, std::nullopt};
    bool strip_closing_quote = quoted;
    if (equals) {
      p.name = word.substr(0, *equals);
      std::string_view value = word.substr(*equals + 1);
      if (!value.empty() && value.front() == '"') {
        value.remove_prefix(1);
        strip_closing_quote = true;
      }
      p.value = value;
    }
    std::string_view& last = p.value ? *p.value : p.name;
    if (strip_closing_quote && !last.empty() && last.back() == '"') last.remove_suffix(1);
    words.push_back(p);
  }
  return words;
}

bool parameter_name_equals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] == '-' ? '_' : a[i];
    const char y = b[i] == '-' ? '_' : b[i];
    if (x != y) return false;
  }
  return true;
}

}  // namespace scsi_probe
