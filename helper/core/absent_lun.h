// `explain H:C:T:L` for an address with no scsi_device: why is it not
// there? From what exists above it (host, target, the target's LUN 0), the
// scan mode, the host's class, the policy's instantiate decision for the
// address and the target's port identity, LUN 0's quirks, and the record
// the last host walk and target scan left in the udev database. Pure: the
// shell gathers the facts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "explanation.h"
#include "lun_policy.h"
#include "properties.h"
#include "scsi_address.h"

namespace scsi_probe {

struct AbsentLunFacts {
  ScsiAddress address;
  std::string scan_mode;  // scsi_mod.scan, "?" when unknown
  bool host_exists = false;
  std::string proc_name;  // the host's driver, empty when unknown
  // The host's record: SCSI_PROBE_HOST_CLASS, SCSI_PROBE_REASON, ...
  Properties host_record;
  bool target_exists = false;
  TargetIdentity target;  // the transport's name of the target
  // The target's record: SCSI_PROBE_REASON, SCSI_PROBE_LUNS_ADDED, ...
  Properties target_record;
  std::vector<uint64_t> target_luns;  // the LUNs of the target that exist
  // LUN 0's SCSI_PROBE_QUIRKS when LUN 0 exists (empty value: none in
  // force); nullopt when the target has no LUN 0 device.
  std::optional<std::string> lun0_quirks;
};

Explanation explain_absent_lun(const AbsentLunFacts& facts, const Policy& policy);

}  // namespace scsi_probe
