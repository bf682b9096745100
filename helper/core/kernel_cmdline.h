// The kernel command line (/proc/cmdline) read as the kernel reads it:
// next_arg() of lib/cmdline.c splits it, parameq() of kernel/params.c
// compares names. Shared by the quirk, policy and udev timeout parameters.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace scsi_probe {

// One parameter: "name" or "name=value". Views into the command line.
struct KernelParameter {
  std::string_view name;
  std::optional<std::string_view> value;
};

// Words split at white space outside double quotes; a quote opening the word
// or the value, and the quote closing it, are dropped; "--" ends the
// kernel's part (the rest is for init).
std::vector<KernelParameter> split_kernel_cmdline(std::string_view cmdline);

// Parameter names compare with '-' and '_' alike.
bool parameter_name_equals(std::string_view a, std::string_view b);

}  // namespace scsi_probe
