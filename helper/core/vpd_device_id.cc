#include "vpd_device_id.h"

#include <algorithm>

#include <scsi/sg_lib.h>

#include "vpd_pages.h"

namespace scsi_probe {

DeviceIdPage parse_device_id_page(std::span<const uint8_t> page) {
  DeviceIdPage out;
  auto header = parse_vpd_page(page, 0x83);
  if (!header) {
    out.truncated = !page.empty() && page.size() < 4;
    return out;
  }
  out.device_type = header->device_type;
  out.truncated = header->truncated;
  std::span<const uint8_t> list = header->payload;
  if (list.size() > 2 && list[2] != 0) {
    out.pre_spc = true;
    out.pre_spc_identifier = list;
    return out;
  }
  int off = -1;
  int rc;
  // libsgutils2 walks the descriptor headers; it does not check that a
  // designator fits in the page, so that is done here.
  while ((rc = sg_vpd_dev_id_iter(list.data(), static_cast<int>(list.size()), &off, -1, -1,
                                  -1)) == 0) {
    std::size_t start = static_cast<std::size_t>(off);
    std::size_t value_len = list[start + 3];
    if (start + 4 + value_len > list.size()) {
      out.truncated = true;
      return out;
    }
    const uint8_t* d = list.data() + start;
    Designator des;
    des.protocol_id = (d[0] >> 4) & 0xf;
    des.code_set = d[0] & 0xf;
    des.piv = d[1] & 0x80;
    des.association = (d[1] >> 4) & 0x3;
    des.type = d[1] & 0xf;
    des.descriptor = list.subspan(start, 4 + value_len);
    des.value = list.subspan(start + 4, value_len);
    out.designators.push_back(des);
  }
  // The iterator also says -2 for an empty list.
  if (rc == -2 && !list.empty()) out.truncated = true;
  return out;
}

}  // namespace scsi_probe
