// Small text helpers shared by the parsers and the messages: blanks, trims,
// hex, joins. One definition each, so that "blank" means the same everywhere.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scsi_probe {

// A space or a tab: the separator of policy and hwdb words.
bool is_blank(char c);

// `s` without leading and trailing characters of `set` (blanks and line ends
// by default).
std::string_view trim(std::string_view s, std::string_view set = " \t\r\n");
// `s` without trailing characters of `set` (line ends by default): a sysfs
// or /proc value without its newline, padding kept.
std::string_view trim_end(std::string_view s, std::string_view set = "\n");

// The words of `s`, separated by runs of characters of `separators`.
std::vector<std::string_view> split_words(std::string_view s, std::string_view separators = " \t");

// ASCII lowercase; other bytes unchanged.
std::string lowercase(std::string_view s);

// Two lowercase hex digits per byte, no separators: "600a0b80".
std::string hex_string(std::span<const uint8_t> bytes);

// "0x" and the lowercase hex digits of `v`, without leading zeros ("0x0" for
// 0), or padded to `min_digits`.
std::string hex_number(uint64_t v, std::size_t min_digits = 1);

// The parts with `separator` between them: "a; b; c".
std::string join(const std::vector<std::string>& parts, std::string_view separator = "; ");

// The parts one after another. Chains of operator+ on temporaries trip
// GCC 12's -Wrestrict at -O3 (a known false positive); appending does not.
std::string concat(std::initializer_list<std::string_view> parts);

}  // namespace scsi_probe
