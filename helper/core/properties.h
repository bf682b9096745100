// Udev properties: ordered KEY=value pairs, printed for IMPORT{program}.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scsi_probe {

struct Property {
  std::string key;
  std::string value;
  bool operator==(const Property&) const = default;
};

using Properties = std::vector<Property>;

// Adds or replaces KEY (the last value wins, as in udev).
void set_property(Properties& props, std::string_view key, std::string_view value);

// Looks KEY up; nullptr when absent.
const std::string* find_property(const Properties& props, std::string_view key);

// "KEY=value\n" per property, in order: a tool's stdout, byte for byte.
std::string format_properties(const Properties& props);

// What udev imports, for IMPORT{program} (stdout) and IMPORT{file} (the
// handoff file): as format_properties(), but each value goes through
// udev_safe_value() (cut at its first NUL, LF or CR, blanks around it
// dropped, other control bytes made '.'), and a property whose value is then
// empty is left out (udev rejects "KEY="). Whatever bytes a device sends,
// each line is one of these keys and nothing else: udev 252 splits a
// program's output at every LF and CR and ends a file's lines at LF, CR and
// NUL (udev-rules.c, TK_M_IMPORT_PROGRAM and TK_M_IMPORT_FILE).
// udev keeps the last value of a key, so only a key's last line is printed
// (of those udev keeps: not one whose value opens a quote it never closes):
// that bounds the text by the set of keys. sg_inq prints every designator
// of page 0x83, each type under one key; hundreds of them would pass the
// 16383 bytes udev reads of a program's output, and push the decision keys
// printed after them out of what udev sees.
std::string format_udev_properties(const Properties& props);
// The lines format_udev_properties() prints, in order.
Properties udev_lines(const Properties& props);

}  // namespace scsi_probe
