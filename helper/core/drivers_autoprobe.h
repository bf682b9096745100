// What /sys/bus/scsi/drivers_autoprobe should be under a scan mode. Under
// scsi_mod.scan=manual the helper owns attachment: the kernel must bind no
// upper-level driver by itself (the policy may withhold one), so binding
// on device_add is turned off, before any host appears where the bus's own
// add event is seen. Under sync and async the kernel binds, as by default:
// a machine booted with manual before (the setting lasts until scsi_mod is
// unloaded) gets it back on.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "scan_plan.h"

namespace scsi_probe {

struct AutoprobeSetting {
  std::optional<bool> on;  // nullopt: left as it is
  std::string reason;
};

AutoprobeSetting drivers_autoprobe_for(ScanMode mode);

// The attribute's text ("0", "1") for a setting.
inline std::string_view autoprobe_text(bool on) { return on ? "1" : "0"; }

// Whether a udev object names the SCSI bus: its devpath "/bus/scsi", its
// syspath "/sys/bus/scsi", or its name "scsi".
bool names_scsi_bus(std::string_view object);

}  // namespace scsi_probe
