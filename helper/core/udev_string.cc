#include "udev_string.h"

#include <libudev.h>

#include <cstdint>
#include <vector>

namespace scsi_probe {

std::string_view c_string(std::string_view bytes) {
  return bytes.substr(0, bytes.find('\0'));
}

bool udev_plain_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         std::string_view("#+-.:=@_").find(c) != std::string_view::npos;
}

namespace {

// Sequence length announced by a lead byte; 0 for a continuation byte or
// 0xfe/0xff. systemd still recognises the obsolete 5 and 6 byte forms, which
// its range check then rejects.
std::size_t announced_length(uint8_t lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xe0) == 0xc0) return 2;
  if ((lead & 0xf0) == 0xe0) return 3;
  if ((lead & 0xf8) == 0xf0) return 4;
  if ((lead & 0xfc) == 0xf8) return 5;
  if ((lead & 0xfe) == 0xfc) return 6;
  return 0;
}

std::size_t shortest_encoding(uint32_t code_point) {
  if (code_point < 0x80) return 1;
  if (code_point < 0x800) return 2;
  if (code_point < 0x10000) return 3;
  if (code_point < 0x200000) return 4;
  if (code_point < 0x4000000) return 5;
  return 6;
}

bool valid_code_point(uint32_t c) {
  return c < 0x110000 && (c & 0xfffff800) != 0xd800 && !(c >= 0xfdd0 && c <= 0xfdef) &&
         (c & 0xfffe) != 0xfffe;
}

// Length of the valid character `s` starts with (1 for ASCII), 0 if invalid.
std::size_t valid_char_length(std::string_view s) {
  if (s.empty()) return 0;
  const std::size_t len = announced_length(static_cast<uint8_t>(s[0]));
  if (len == 0 || len > s.size()) return 0;
  if (len == 1) return 1;
  uint32_t code_point = static_cast<uint8_t>(s[0]) & (0x7fu >> len);
  for (std::size_t i = 1; i < len; i++) {
    const auto byte = static_cast<uint8_t>(s[i]);
    if ((byte & 0xc0) != 0x80) return 0;
    code_point = (code_point << 6) | (byte & 0x3f);
  }
  if (shortest_encoding(code_point) != len || !valid_code_point(code_point)) return 0;
  return len;
}

}  // namespace

std::size_t utf8_multibyte_length(std::string_view s) {
  const std::size_t len = valid_char_length(s);
  return len > 1 ? len : 0;
}

bool utf8_valid(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t len = valid_char_length(s.substr(i));
    if (len == 0) return false;
    i += len;
  }
  return true;
}

bool has_control_char(std::string_view s) {
  for (char c : s)
    if (static_cast<uint8_t>(c) < 0x20 || c == 0x7f) return true;
  return false;
}

std::string udev_encode_string(std::string_view s) {
  const std::string text(c_string(s));
  // Four bytes ("\xNN") per input byte at most, and the NUL.
  std::vector<char> buf(4 * text.size() + 1);
  if (udev_util_encode_string(text.c_str(), buf.data(), buf.size()) < 0) return {};
  return buf.data();
}

std::string udev_replace_whitespace(std::string_view s, std::size_t max_len) {
  // Leading whitespace is the set " \t\n\r"; inside, isspace() in the C
  // locale also counts '\v' and '\f'.
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
  };
  std::size_t i = 0;
  while (i < s.size() && std::string_view(" \t\n\r").find(s[i]) != std::string_view::npos) i++;
  std::string out;
  bool pending_space = false;
  for (; out.size() < max_len && i < max_len && i < s.size() && s[i] != '\0'; i++) {
    if (is_space(s[i])) {
      pending_space = true;
      continue;
    }
    if (pending_space) {
      if (out.size() + 1 >= max_len) break;
      out += '_';
      pending_space = false;
    }
    out += s[i];
  }
  return out;
}

std::string udev_replace_chars(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < out.size();) {
    if (udev_plain_char(out[i])) {
      i++;
    } else if (out[i] == '\\' && i + 1 < out.size() && out[i + 1] == 'x') {
      i += 2;
    } else if (const std::size_t len = utf8_multibyte_length(std::string_view(out).substr(i))) {
      i += len;
    } else {
      out[i++] = '_';
    }
  }
  return out;
}

std::string udev_safe_value(std::string_view value) {
  value = value.substr(0, value.find_first_of(std::string_view("\0\n\r", 3)));
  const std::size_t begin = value.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  value = value.substr(begin, value.find_last_not_of(" \t") - begin + 1);
  std::string out(value);
  for (char& c : out)
    if (static_cast<uint8_t>(c) < 0x20 || c == 0x7f) c = '.';
  return out;
}

}  // namespace scsi_probe
