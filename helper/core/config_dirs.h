// Which policy files are in force, by systemd's rules for configuration
// folders (systemd.syntax(7), conf_files_list()): scsi-probe.d in /etc, /run,
// /usr/local/lib and /usr/lib, in that order of priority. A file name found
// in several folders is read from the first only; a file there that is a
// symlink to /dev/null, or empty, masks the name (no folder's file is read).
// The files in force are read in the order of their names.
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scsi_probe {

inline constexpr std::array<std::string_view, 4> kPolicyDirectories = {
    "/etc/scsi-probe.d", "/run/scsi-probe.d", "/usr/local/lib/scsi-probe.d", "/usr/lib/scsi-probe.d"};

// A policy file found in one of the folders.
struct ConfigEntry {
  std::string directory;  // one of the folders, without a trailing '/'
  std::string name;       // "50-san.conf"
  bool masks = false;     // a symlink to /dev/null, or an empty file
};

struct ConfigChoice {
  std::vector<std::string> in_force;                     // paths, in name order
  std::vector<std::string> overridden;                   // paths another folder's file hides
  std::vector<std::string> masked;                       // names masked, in name order
};

// `found`: the policy files (is_policy_file_name) of the folders listed in
// `directories` (highest priority first), in any order.
ConfigChoice choose_config_files(const std::vector<ConfigEntry>& found,
                                 std::span<const std::string_view> directories = kPolicyDirectories);

}  // namespace scsi_probe
