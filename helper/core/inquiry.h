// Standard INQUIRY data (SPC-5 6.7.2), parsed from whatever bytes a device
// returned. Fields past the end of the data are reported as absent, never
// invented: a device that truncates or lies about its length is normal.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace scsi_probe {

struct StandardInquiry {
  // Bytes actually available (the caller's buffer, not the claimed length).
  std::size_t available = 0;
  uint8_t qualifier = 0;        // peripheral qualifier, byte 0 bits 7-5
  uint8_t device_type = 0x1f;   // peripheral device type, byte 0 bits 4-0
  bool removable = false;       // RMB
  uint8_t version = 0;          // byte 2
  uint8_t response_format = 0;  // byte 3 bits 3-0
  bool hisup = false;
  bool normaca = false;
  uint8_t additional_length = 0;  // byte 4, as claimed by the device
  bool sccs = false;
  bool acc = false;
  uint8_t tpgs = 0;  // byte 5 bits 5-4
  bool three_pc = false;
  bool protect = false;
  bool encserv = false;
  bool multip = false;
  bool cmdque = false;
  // Raw field bytes (8, 16 and 4 long when present; shorter when truncated).
  std::string vendor;
  std::string model;
  std::string revision;
};

// Parses standard INQUIRY data. Returns nullopt only when not even byte 0 is
// there; every other field is filled as far as the data reaches.
std::optional<StandardInquiry> parse_standard_inquiry(std::span<const uint8_t> data);

// The kernel's scsi_level (include/scsi/scsi.h SCSI_1 = 1 ... SCSI_SPC_3 = 6
// and above) derived from the version and response format bytes, as
// scsi_scan.c does: an ANSI version >= 2 (or 1 with CCS format) is one more.
int kernel_scsi_level(const StandardInquiry& inq);

}  // namespace scsi_probe
