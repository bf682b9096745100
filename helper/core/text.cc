#include "text.h"

namespace scsi_probe {

namespace {
constexpr char kHexDigits[] = "0123456789abcdef";
}  // namespace

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s, std::string_view set) {
  const auto first = s.find_first_not_of(set);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(set) - first + 1);
}

std::string_view trim_end(std::string_view s, std::string_view set) {
  const auto last = s.find_last_not_of(set);
  return last == std::string_view::npos ? std::string_view() : s.substr(0, last + 1);
}

std::vector<std::string_view> split_words(std::string_view s, std::string_view separators) {
  std::vector<std::string_view> out;
  for (std::size_t i = s.find_first_not_of(separators); i != std::string_view::npos;) {
    const std::size_t end = s.find_first_of(separators, i);
    out.push_back(s.substr(i, end - i));
    i = end == std::string_view::npos ? end : s.find_first_not_of(separators, end);
  }
  return out;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string hex_string(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0xf];
  }
  return out;
}

std::string hex_number(uint64_t v, std::size_t min_digits) {
  std::string digits;
  do {
    digits.insert(digits.begin(), kHexDigits[v & 0xf]);
    v >>= 4;
  } while (v != 0);
  if (digits.size() < min_digits) digits.insert(0, min_digits - digits.size(), '0');
  return "0x" + digits;
}

std::string concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += separator;
    out += p;
  }
  return out;
}

}  // namespace scsi_probe
