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
  // VPD pages scsi_id would read that `d` does not answer for (neither the
  // page nor a known rejection). Empty when the ID_* lines are complete.
  std::vector<uint8_t> missing_pages;
};

// Builds every identification property of `d`. A page in `d.vpd` with no
// bytes is one the device rejected; a page that page 0 lists but that is
// absent counts as rejected too, as it was when the kernel asked. Where
// scsi_id would read a page that `d` says nothing about (a device the kernel
// spared, or a page page 0 does not list), the ID_* keys that depend on it
// are left out and the page is named in `missing_pages`.
Identity identify_device(const DeviceData& d);

}  // namespace scsi_probe
