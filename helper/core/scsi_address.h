// A SCSI device's address as the kernel names it in sysfs: "H:C:T:L".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scsi_probe {

struct ScsiAddress {
  unsigned host = 0;
  unsigned channel = 0;
  unsigned target = 0;
  uint64_t lun = 0;  // the Linux LUN number (scsilun_to_int)
  bool operator==(const ScsiAddress&) const = default;
  auto operator<=>(const ScsiAddress&) const = default;
};

// A target: one (channel, id) of a host, "H:C:T" in sysfs ("targetH:C:T").
struct ScsiTarget {
  unsigned host = 0;
  unsigned channel = 0;
  unsigned id = 0;
  bool operator==(const ScsiTarget&) const = default;
  auto operator<=>(const ScsiTarget&) const = default;
  ScsiAddress lun(uint64_t l) const { return {host, channel, id, l}; }
};

inline ScsiTarget target_of(const ScsiAddress& a) { return {a.host, a.channel, a.target}; }

// Parses "H:C:T:L" (decimal, no blanks). Returns nullopt for anything else.
std::optional<ScsiAddress> parse_scsi_address(std::string_view text);

// Parses a target name "targetH:C:T".
std::optional<ScsiTarget> parse_target_name(std::string_view text);

// The target a devpath or syspath lies in: its last "targetH:C:T"
// component. Works on paths of objects already removed (a queued event on
// a LUN that is gone still names its target).
std::optional<ScsiTarget> target_in_path(std::string_view path);

// Parses a host name "hostH".
std::optional<unsigned> parse_host_name(std::string_view text);

std::string format_scsi_address(const ScsiAddress& a);
// "H:C:T".
std::string format_scsi_target(const ScsiTarget& t);
// The kernel's names of a target and a host: "targetH:C:T", "hostH".
std::string target_sysname(const ScsiTarget& t);
std::string host_sysname(unsigned host);

}  // namespace scsi_probe
