// Reads the sysfs facts that classify a SCSI host (host_class.h): its
// transport class, proc_name, and the device it hangs from.
#pragma once

#include <libudev.h>

#include "host_class.h"

namespace scsi_probe {

class SysfsScsiHost;

// `host` is the scsi_host device (subsystem scsi, devtype scsi_host).
HostFacts read_host_facts(const SysfsScsiHost& hs);

// usb-storage's delay_use in seconds (its module parameter; the default when
// the module is not loaded or the value is unreadable).
unsigned usb_storage_delay_use();

}  // namespace scsi_probe
