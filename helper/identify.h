// Identification of one scsi_device from what the kernel cached (and what
// the shell fetched where the cache lacks it): the scsi_id-compatible ID_*
// lines, the sg_inq-compatible SCSI_* lines and our SCSI_PROBE_* lines.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "device_data.h"
#include "properties.h"

namespace scsi_probe {

// The VPD pages identification uses: what scsi_id and sg_inq read.
std::span<const uint8_t> identification_pages();

struct Identity {
  Properties properties;
  // One line each: what could not be identified and why.
  std::vector<std::string> warnings;
};

// Builds every identification property of `d`. A page the kernel read VPD
// for but that is absent counts as rejected by the device, as it was when
// the kernel asked. Where scsi_id would have sent a command that the kernel
// did not (a device it spared), the ID_* keys that depend on the answer are
// left out, so that the stock rules run scsi_id themselves.
Identity identify_device(const DeviceData& d);

}  // namespace scsi_probe
