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

// What udev can import: as format_properties(), but a property with an empty
// value is left out (udev rejects "KEY=") and a value ends at its first
// newline (udev reads line by line, so that is all it would keep of it).
std::string format_udev_properties(const Properties& props);

}  // namespace scsi_probe
