// The device run's shell, first half: gathers every fact a decision about
// one scsi_device needs (device_decision.h) from sysfs, the udev database,
// the hwdb and, where the kernel's cache lacks a page, SG_IO. The only place
// a device run reads sysfs or sends a SCSI command.
#pragma once

#include <string>

#include "device_decision.h"
#include "lun_policy.h"
#include "sysfs.h"

namespace scsi_probe {

// sysfs `type`, `blacklist`, `vpd_pg83`, `dh_state` and the bound driver.
SysfsAttachFacts read_sysfs_attach_facts(udev_device* dev);

// The identification in the udev database (ID_* and SCSI_* keys, not the
// SCSI_PROBE_* decision); empty when there is none.
Properties database_identity(udev_device* dev);

// Whether the udev database holds a scsi-probe record of `dev` (a run of
// ours printed SCSI_PROBE_COMMANDS).
bool has_scsi_probe_record(udev_device* dev);

// Every fact but the device's use. With `known` (the identification from
// the udev database) no command is sent: the INQUIRY data is the kernel's
// copy, the VPD pages its cached ones. Else the INQUIRY data from
// `inquiry_raw` where the kernel has it, or one INQUIRY (the kernel's
// `inquiry` is sanitized), and the VPD pages identification needs that the
// kernel did not keep, only where the kernel itself read VPD.
DeviceFacts gather_device_facts(udev* u, udev_device* dev, const std::string& action, bool created_here,
                                const Properties* known);

// decide_device_run; when the decision would take the device away, once
// more with the device's use gathered.
DeviceDecision decide_with_use(udev* u, udev_device* dev, DeviceFacts& facts, const Policy& policy);

}  // namespace scsi_probe
