#include "vpd_device_id.h"

#include <algorithm>

#include <scsi/sg_lib.h>

namespace scsi_probe {

DeviceIdPage parse_device_id_page(std::span<const uint8_t> page) {
  DeviceIdPage out;
  if (page.size() < 4 || page[1] != 0x83) {
    out.truncated = !page.empty();
    return out;
  }
  out.device_type = page[0] & 0x1f;
  std::size_t claimed = (std::size_t(page[2]) << 8) | page[3];
  std::size_t len = std::min(claimed, page.size() - 4);
  out.truncated = claimed > len;
  const uint8_t* base = page.data() + 4;
  int off = -1;
  int rc;
  // libsgutils2 walks the descriptors and stops at one that overruns.
  while ((rc = sg_vpd_dev_id_iter(base, static_cast<int>(len), &off, -1, -1, -1)) == 0) {
    const uint8_t* d = base + off;
    std::size_t dlen = d[3];
    Designator des;
    des.protocol_id = (d[0] >> 4) & 0xf;
    des.code_set = d[0] & 0xf;
    des.piv = d[1] & 0x80;
    des.association = (d[1] >> 4) & 0x3;
    des.type = d[1] & 0xf;
    des.descriptor = std::span<const uint8_t>(d, 4 + dlen);
    des.value = std::span<const uint8_t>(d + 4, dlen);
    out.designators.push_back(des);
  }
  if (rc == -2) out.truncated = true;
  return out;
}

}  // namespace scsi_probe
