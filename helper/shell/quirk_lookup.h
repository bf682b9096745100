// Quirk look-up for one device: scsi-probe's hwdb through libudev, the
// scsi_mod parameters the kernel was given, and the flags the kernel already
// applied (sysfs `blacklist`). The decision itself is quirks.h's.
#pragma once

#include <optional>
#include <string_view>

#include "blist_flags.h"
#include "quirks.h"
#include "sysfs.h"

namespace scsi_probe {

// The hwdb record's properties for these raw INQUIRY fields, in order.
Properties hwdb_quirk_properties(udev* u, std::string_view vendor, std::string_view model,
                                 std::string_view revision);

// `scsi_device` may be null (a LUN not instantiated yet); else its sysfs
// `blacklist` is taken into account.
QuirkDecision lookup_quirks(udev* u, std::string_view vendor, std::string_view model,
                            std::string_view revision, udev_device* scsi_device);

}  // namespace scsi_probe
