// Gathers the facts device_use.h decides on, for one scsi_device: its block
// node and partitions with their holders, the mounts and swap areas, other
// processes holding any of its nodes open, and, only when none of these
// shows a use, one exclusive read-only open of the whole disk. Nothing here
// writes: the read-only open raises no udev change event (udev watches for
// a close after writing).
#pragma once

#include "device_use.h"
#include "sysfs.h"

namespace scsi_probe {

DeviceUseFacts gather_device_use(udev* u, udev_device* scsi_device);

// gather_device_use, then decide_device_use.
UseVerdict device_use(udev* u, udev_device* scsi_device);

}  // namespace scsi_probe
