// Loading upper-level drivers and device handlers, through libkmod (with
// modprobe's blacklist and options, as udev's own kmod builtin does).
#pragma once

#include <string>
#include <string_view>

namespace scsi_probe {

// Loads `name` (a module name or alias) and its dependencies; already loaded
// or built in is success. Returns 0 or a negative errno, with a message.
int load_module(std::string_view name, std::string& error);

}  // namespace scsi_probe
