// `scsi-probe rescan --dry-run`: what the rescan of a host or a target
// would do, decided as `scsi-probe host` and `scsi-probe target` decide on a
// change event, through the recording seams of dry_run.h. Nothing is
// written, nothing logged as a change.
#pragma once

#include <libudev.h>

#include "dry_run.h"
#include "lun_policy.h"
#include "scsi_address.h"

namespace scsi_probe {

class SysfsScsiHost;

// `host` is the scsi_host device. Each of its targets its rescan would
// rescan is dry-run as well. `policy`: the LUN policy, loaded once for the
// dry run (load_policy, nothing logged).
void dry_run_host(udev* u, udev_device* host, const Policy& policy, DryRunRecord& record);

// One target of a host: `hs` reads, `dry` records.
void dry_run_target(udev* u, SysfsScsiHost& hs, RecordingScsiHost& dry, const ScsiTarget& t, const Policy& policy,
                    DryRunRecord& record);

}  // namespace scsi_probe
