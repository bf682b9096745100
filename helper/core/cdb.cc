#include "cdb.h"

namespace scsi_probe {

std::array<uint8_t, 6> inquiry_cdb(bool evpd, uint8_t page, uint16_t allocation_length) {
  return {0x12, static_cast<uint8_t>(evpd ? 1 : 0), static_cast<uint8_t>(evpd ? page : 0),
          static_cast<uint8_t>(allocation_length >> 8),
          static_cast<uint8_t>(allocation_length & 0xff), 0};
}

std::array<uint8_t, 12> report_luns_cdb(uint8_t select_report, uint32_t allocation_length) {
  return {0xa0,
          0,
          select_report,
          0,
          0,
          0,
          static_cast<uint8_t>(allocation_length >> 24),
          static_cast<uint8_t>(allocation_length >> 16),
          static_cast<uint8_t>(allocation_length >> 8),
          static_cast<uint8_t>(allocation_length),
          0,
          0};
}

}  // namespace scsi_probe
