// udev's string rules as systemd 252's scsi_id applies them to INQUIRY and
// VPD fields: the _ENC escaping, the whitespace rule and the character
// replacement. Inputs are byte strings; a NUL byte ends a C string in udev,
// so callers cut at NUL first (c_string()).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace scsi_probe {

// The bytes before the first NUL: what a C string holding `bytes` is.
std::string_view c_string(std::string_view bytes);

// True for the characters udev keeps as they are in names and values:
// ASCII letters, digits and "#+-.:=@_".
bool udev_plain_char(char c);

// The length (2 to 4) of the valid UTF-8 multi-byte sequence `s` starts
// with, or 0 when it starts with ASCII, an invalid or overlong sequence, a
// surrogate, a non-character or a sequence the string cuts short.
std::size_t utf8_multibyte_length(std::string_view s);

// True when `s` is valid UTF-8 throughout (ASCII included).
bool utf8_valid(std::string_view s);

// True when `s` holds a C0 control byte or DEL.
bool has_control_char(std::string_view s);

// libudev's udev_util_encode_string() (systemd's encode_devnode_name()) of
// the C string in `s`: valid UTF-8 multi-byte sequences and udev's plain
// characters are kept; every other byte, '\' included, becomes "\xNN".
std::string udev_encode_string(std::string_view s);

// udev_replace_whitespace(): drops leading and trailing whitespace, turns
// each inner run into one '_'. Reads at most `max_len` bytes of `s` (leading
// whitespace counts) and writes at most `max_len`, as the C code does with
// its buffer sizes.
std::string udev_replace_whitespace(std::string_view s, std::size_t max_len);

// udev_replace_chars() with no extra allowed characters: every byte that is
// neither plain, nor part of a "\x" pair, nor in a valid UTF-8 multi-byte
// sequence becomes '_'.
std::string udev_replace_chars(std::string_view s);

// A property value made safe to print after "KEY=" for udev, as udev would
// read that line: everything from the first NUL, LF or CR on is cut (udev
// ends the line there, so a device's "\rKEY=..." would start a key of its
// own), blanks around the rest are dropped (udev strips them), and every
// other byte below 0x20, and DEL, becomes '.' (sg_inq's mark for a byte it
// cannot print), so that no control byte reaches the environment of the
// programs udev runs. A value without such bytes or surrounding blanks is
// returned as it is.
std::string udev_safe_value(std::string_view value);

}  // namespace scsi_probe
