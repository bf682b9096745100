// What sysfs holds about a scsi_device that the attach decision reads, kept
// alive for the AttachInput that points into it (attach_policy.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "attach_policy.h"
#include "sysfs.h"

namespace scsi_probe {

struct SysfsAttachFacts {
  std::optional<long long> type;                // `type`
  std::optional<std::string> blacklist;         // `blacklist`
  std::optional<std::vector<uint8_t>> vpd_pg83; // the kernel's own copy
  std::optional<std::string> dh_state;          // `dh_state`
  std::optional<std::string> bound_driver;      // the `driver` link

  static SysfsAttachFacts read(udev_device* dev);

  // The decision's input: these facts, the kernel's INQUIRY copy, the quirk
  // flags in force and the policy's request.
  AttachInput input(std::span<const uint8_t> kernel_inquiry, BlistFlags quirk_flags,
                    const AttachRequest& request) const;
};

// A property of `dev` from the udev database, empty when unset.
std::string udev_property(udev_device* dev, const char* key);

}  // namespace scsi_probe
