// Natural order of names with numbers in them: "0:0:2" before "0:0:10",
// "host2" before "host10", "/dev/sg9" before "/dev/sg10". Runs of digits
// compare by value, everything else byte by byte. Pure.
#pragma once

#include <string_view>

namespace scsi_probe {

// A strict weak order: digit runs by numeric value (of any length; leading
// zeros ignored, then the shorter run first as a tie-break), other bytes as
// unsigned values.
bool natural_less(std::string_view a, std::string_view b);

}  // namespace scsi_probe
