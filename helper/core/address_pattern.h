// `show`'s address filter, in lsscsi's manner: "H:C:T:L" where each field is
// a decimal number or a wildcard (`*` or `-`), and missing trailing fields
// are wildcards ("2" is host 2, "2:0:1" target 2:0:1, "*:*:*:0" every LUN 0).
// Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "scsi_address.h"

namespace scsi_probe {

struct AddressPattern {
  // nullopt: any value.
  std::optional<unsigned> host, channel, target;
  std::optional<uint64_t> lun;

  bool matches_host(unsigned h) const;
  bool matches_target(const ScsiTarget& t) const;
  bool matches(const ScsiAddress& a) const;
  // Whether every LUN of a matching target matches, and every target of a
  // matching host: then a host or target with nothing below it is shown.
  bool any_below_host() const { return !channel && !target && !lun; }
  bool any_below_target() const { return !lun; }
};

// nullopt unless `text` is 1 to 4 fields separated by ':', each a decimal
// number or `*` or `-`, and at least one field is a wildcard or there are
// fewer than four (a plain "H:C:T:L" is a device name, found as one).
std::optional<AddressPattern> parse_address_pattern(std::string_view text);

}  // namespace scsi_probe
