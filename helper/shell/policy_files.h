// Where the LUN policy and a target's transport name come from: the
// scsi-probe.d folders (config_dirs.h), the kernel command line, and the
// transport classes in sysfs. The rules and decisions are lun_policy.h's.
#pragma once

#include <iosfwd>

#include "config_dirs.h"
#include "lun_policy.h"
#include "scsi_address.h"
#include "sysfs.h"

namespace scsi_probe {

// The policy files of the scsi-probe.d folders: in force, overridden, masked.
ConfigChoice find_policy_files();

// Reads `paths` (name order) and the rules on `cmdline`. A source with an
// error, or that cannot be read, is ignored whole (Policy::ignored, errors).
Policy read_policy(const std::vector<std::string>& paths, std::string_view cmdline);

// The policy in force: find_policy_files() and /proc/cmdline. Each error is
// reported on `err` as file:line, and each source ignored is logged
// (`log_ignored`; a dry run, which logs nothing, says so on `err` only).
Policy load_policy(std::ostream& err, bool log_ignored = true);

// The transport's name of a target (FC WWPN, SAS address, iSCSI target
// name), found on the ancestors of the host's target H:C:T; none when the
// host has no such transport or the target does not exist yet.
TargetIdentity target_identity(udev* u, const ScsiTarget& t);
// The same from the syspath of the target or of a device below it.
TargetIdentity target_identity_at(std::string_view syspath);

}  // namespace scsi_probe
