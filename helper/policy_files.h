// Where the LUN policy and a target's transport name come from: files in
// /etc/scsi-probe.d, the kernel command line, and the transport classes in
// sysfs. The rules and decisions are lun_policy.h's.
#pragma once

#include <iosfwd>

#include "lun_policy.h"
#include "sysfs.h"

namespace scsi_probe {

// Reads the policy files (name order) and /proc/cmdline. A source with an
// error is ignored whole; each error is reported on `err` as file:line.
Policy load_policy(std::ostream& err);

// The transport's name of a target (FC WWPN, SAS address, iSCSI target
// name), found on the ancestors of the host's target H:C:T; none when the
// host has no such transport or the target does not exist yet.
TargetIdentity target_identity(udev* u, unsigned host, unsigned channel, unsigned target);

}  // namespace scsi_probe
