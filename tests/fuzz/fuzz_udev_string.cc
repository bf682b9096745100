// The string rules that property values go through: udev's _ENC escaping,
// whitespace and character replacement (scsi_id's ID_*), and sg_inq's own
// encodings (SCSI_*). Input: a length limit (u8), then the string.
#include <algorithm>
#include <string>

#include "fuzz_input.h"
#include "sg_inq_properties.h"
#include "udev_string.h"

using namespace scsi_probe;

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_space(char c) { return is_blank(c) || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

// Undoes an escaping that writes "\xNN" (lower-case hex) for some bytes and
// keeps the others; `kept` says which bytes may appear as they are. Fails
// the run on anything else, so the output holds only what the rule allows.
std::string unescape(std::string_view out, bool (*kept)(char), bool utf8_kept) {
  std::string back;
  for (std::size_t i = 0; i < out.size();) {
    if (out[i] == '\\') {
      FUZZ_CHECK(i + 3 < out.size() && out[i + 1] == 'x');
      const int hi = hex_value(out[i + 2]);
      const int lo = hex_value(out[i + 3]);
      FUZZ_CHECK(hi >= 0 && lo >= 0);
      back += static_cast<char>(hi << 4 | lo);
      i += 4;
    } else if (std::size_t len = utf8_kept ? utf8_multibyte_length(out.substr(i)) : 0) {
      back += out.substr(i, len);
      i += len;
    } else {
      FUZZ_CHECK(kept(out[i]));
      back += out[i++];
    }
  }
  return back;
}

// sg_inq's encode_string() keeps '\' as it is, so its output cannot be
// undone: walk input and output side by side instead.
void check_escape_blanks(std::string_view in, std::string_view out) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t j = 0;
  for (char ch : in) {
    const auto b = static_cast<uint8_t>(ch);
    if (b > 0x20 && b < 0x7f) {
      FUZZ_CHECK(j < out.size() && out[j] == ch);
      j++;
    } else {
      FUZZ_CHECK(out.substr(j, 4) == std::string{'\\', 'x', kHex[b >> 4], kHex[b & 0xf]});
      j += 4;
    }
  }
  FUZZ_CHECK(j == out.size());
}

// What udev_replace_chars() leaves: plain characters, "\x" pairs and valid
// multi-byte UTF-8.
void check_replaced(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (udev_plain_char(s[i])) {
      i++;
    } else if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'x') {
      i += 2;
    } else {
      const std::size_t len = utf8_multibyte_length(s.substr(i));
      FUZZ_CHECK(len >= 2);
      i += len;
    }
  }
}

std::string without(std::string_view s, bool (*drop)(char)) {
  std::string out;
  for (char c : s)
    if (!drop(c)) out += c;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const std::size_t max_len = in.u8();
  const auto bytes = in.rest();
  const std::string_view s = fuzz::text(bytes);

  const std::string_view c = c_string(s);
  FUZZ_CHECK(c.find('\0') == std::string_view::npos && c.data() == s.data());
  FUZZ_CHECK(c.size() == s.size() || s[c.size()] == '\0');

  // _ENC (libudev's encoder): reversible, and only plain characters,
  // escapes and valid UTF-8.
  const std::string enc = udev_encode_string(s);
  FUZZ_CHECK(unescape(enc, udev_plain_char, true) == c);  // a C string: up to the NUL
  FUZZ_CHECK(utf8_valid(enc) && !has_control_char(enc));

  // The whitespace rule: bounded, no whitespace left, nothing but blanks
  // turned into '_'.
  const std::string ws = udev_replace_whitespace(s, max_len);
  FUZZ_CHECK(ws.size() <= max_len);
  for (char ch : ws) FUZZ_CHECK(!is_space(ch) && ch != '\0');
  auto space_or_underscore = [](char ch) { return is_space(ch) || ch == '_'; };
  FUZZ_CHECK(without(c, space_or_underscore).starts_with(without(ws, space_or_underscore)));

  // Character replacement: same length, only '_' written, idempotent, and
  // what is left is allowed.
  const std::string rep = udev_replace_chars(s);
  FUZZ_CHECK(rep.size() == s.size());
  for (std::size_t i = 0; i < rep.size(); i++) FUZZ_CHECK(rep[i] == s[i] || rep[i] == '_');
  FUZZ_CHECK(udev_replace_chars(rep) == rep);
  check_replaced(rep);
  FUZZ_CHECK(utf8_valid(rep));

  // An ID_* value as scsi_id builds it: one line, no blank.
  const std::string value = udev_replace_chars(udev_replace_whitespace(c, max_len));
  for (char ch : value) FUZZ_CHECK(!is_space(ch) && ch != '\0');

  // A value made safe for udev: no line end, no control byte, no blank
  // around it; the input from its first non-blank byte on, cut, with
  // control bytes shown as '.'; unchanged when it needed nothing.
  const std::string safe = udev_safe_value(s);
  FUZZ_CHECK(!has_control_char(safe));
  FUZZ_CHECK(safe.empty() || (!is_blank(safe.front()) && !is_blank(safe.back())));
  const std::size_t lead = std::min(s.find_first_not_of(" \t"), s.size());
  FUZZ_CHECK(lead + safe.size() <= s.size());
  for (std::size_t i = 0; i < safe.size(); i++) {
    const char in_c = s[lead + i];
    FUZZ_CHECK(in_c != '\0' && in_c != '\n' && in_c != '\r');
    FUZZ_CHECK(safe[i] == in_c || (safe[i] == '.' && has_control_char(std::string_view(&in_c, 1))));
  }
  FUZZ_CHECK(udev_safe_value(safe) == safe);
  if (!has_control_char(s) && s.find('\0') == std::string_view::npos && s == udev_safe_value(s))
    FUZZ_CHECK(safe == s);

  // sg_inq's encodings.
  const std::string squeezed = sg_inq_encoding::squeeze(bytes);
  for (char ch : squeezed) FUZZ_CHECK(ch > 0x20 && ch < 0x7f);
  const std::string blanks = sg_inq_encoding::escape_blanks(bytes);
  check_escape_blanks(s, blanks);
  const std::string udev = sg_inq_encoding::escape_udev(s);
  FUZZ_CHECK(unescape(udev, udev_plain_char, false) == s);
  return 0;
}
