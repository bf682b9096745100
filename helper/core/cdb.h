// Command descriptor blocks for the few commands the helper sends.
#pragma once

#include <array>
#include <cstdint>

namespace scsi_probe {

// INQUIRY (SPC-5 6.7): standard data, or the VPD page `page` when `evpd`.
std::array<uint8_t, 6> inquiry_cdb(bool evpd, uint8_t page, uint16_t allocation_length);

// REPORT LUNS (SPC-5 6.33). select_report 0: all LUNs except well-known ones.
std::array<uint8_t, 12> report_luns_cdb(uint8_t select_report, uint32_t allocation_length);

}  // namespace scsi_probe
