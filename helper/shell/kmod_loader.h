// Loading upper-level drivers and device handlers, through libkmod (with
// modprobe's blacklist and options, as udev's own kmod builtin does).
#pragma once

#include <string>
#include <string_view>

#include "result.h"

namespace scsi_probe {

// Loads `name` (a module name or alias) and its dependencies; already loaded
// or built in is success.
Status load_module(std::string_view name);

}  // namespace scsi_probe
