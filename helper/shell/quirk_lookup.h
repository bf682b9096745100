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

inline constexpr const char* kDevFlagsParameter = "/sys/module/scsi_mod/parameters/dev_flags";
// The dev_flags entries scsi-probe wrote this boot, one per line.
inline constexpr const char* kDevFlagsRecord = "/run/scsi-probe/dev-flags";

// For a device that lacks hwdb flags the kernel fixes at creation
// (`missing`): where the kernel's dev_flags is writable at run time
// (kernel/patches 0003), writes `entry` (quirks.h dev_flags_entry) once a
// boot, so that the devices of the model created from then on get them, and
// logs the change. Returns what the run's log says of it.
std::string add_dev_flags_entry(const std::string& device, BlistFlags missing,
                                const std::optional<std::string>& entry);

}  // namespace scsi_probe
