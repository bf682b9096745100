// REPORT LUNS parameter data (SPC-5 6.33), the SAM-5 LUN structure (4.7), and
// the kernel's mapping between the 8-byte LUN and the Linux LUN number that
// names sysfs devices (H:C:T:L) and is written to a host's `scan` attribute.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scsi_probe {

// One LUN as it travels on the wire: four 2-byte levels, first level first.
using ScsiLun = std::array<uint8_t, 8>;

inline constexpr std::size_t kReportLunsHeaderSize = 8;
inline constexpr std::size_t kLunEntrySize = 8;

// The REPORT LUNS well-known logical unit: 8-byte form C1 01 00.., and the
// Linux number the kernel gives it (include/scsi/scsi.h SCSI_W_LUN_REPORT_LUNS).
inline constexpr uint64_t kReportLunsWellKnownLun = 0xc101;

struct ReportLunsList {
  // LUN LIST LENGTH as the device claims it (bytes, header excluded).
  uint32_t list_length = 0;
  // The entries that are complete both within the claimed length and within
  // the bytes received, in the device's order.
  std::vector<ScsiLun> luns;
  // The claimed list reaches past the bytes received: ask again with a
  // larger allocation (see report_luns_retry_allocation) or live with `luns`.
  bool truncated = false;

  // Bytes the whole answer takes: header plus the claimed list.
  uint64_t complete_size() const { return uint64_t{list_length} + kReportLunsHeaderSize; }
};

// Parses REPORT LUNS parameter data. nullopt when not even the 4-byte list
// length arrived. A list length that is not a multiple of 8 counts whole
// entries only (scsi_report_lun_scan divides the same way).
std::optional<ReportLunsList> parse_report_luns(std::span<const uint8_t> data);

// The allocation length to send REPORT LUNS again with, as
// scsi_report_lun_scan does when the claimed list does not fit the
// allocation it sent: header plus claimed list, capped at `max_allocation`.
// nullopt when the claim already fit what was sent (a shorter answer then is
// the device's own truncation; asking again would not help) or when the cap
// would not give more than was sent.
std::optional<uint32_t> report_luns_retry_allocation(const ReportLunsList& list,
                                                     uint32_t sent_allocation,
                                                     uint32_t max_allocation);

// The kernel's scsilun_to_int (drivers/scsi/scsi_common.c): each 2-byte level
// becomes a 16-bit word, first level in the low word, so a single-level LUN
// keeps its SAM value (flat LUN 256 = 41 00 -> 0x4100 = 16640; W-LUN C1 01 ->
// 49409). Defined for all 8 bytes; the inverse is exact.
uint64_t linux_lun_from_scsilun(const ScsiLun& lun);

// The kernel's int_to_scsilun: the exact inverse of linux_lun_from_scsilun.
ScsiLun scsilun_from_linux_lun(uint64_t linux_lun);

// The kernel's scsi_is_wlun (include/scsi/scsi.h): the first level is a
// well-known LUN (byte 0 is C1h), whatever the other levels hold.
bool kernel_is_wlun(uint64_t linux_lun);

// SAM-5 address methods (byte 0 bits 7-6 of a level).
enum class LunAddressMethod : uint8_t {
  kPeripheral = 0,
  kFlat = 1,
  kLogicalUnit = 2,
  kExtended = 3,
};

// What an extended logical unit addressing level names (SAM-5 4.7.7.5).
enum class ExtendedLunFormat : uint8_t {
  kWellKnown,         // length 00b, method 1h: W-LUN id in byte 1
  kExtendedFlat,      // length 01b, method 2h: 24-bit LUN
  kLongExtendedFlat,  // length 10b, method 2h: 40-bit LUN
  kNotSpecified,      // length 11b, method Fh, all FFh
  kReserved,          // any other combination
};

struct LunLevel {
  LunAddressMethod method = LunAddressMethod::kPeripheral;
  std::size_t offset = 0;  // first byte of the level
  std::size_t length = 2;  // 2, or 2/4/6/8 for extended addressing
  // Peripheral: bus identifier (6 bits); logical unit addressing: bus number (3 bits).
  uint8_t bus = 0;
  // Peripheral with a nonzero bus identifier, logical unit addressing: target.
  uint8_t target = 0;
  // The LUN this level names: peripheral with bus 0 (8 bits), flat (14),
  // logical unit (5), extended flat (24), long extended flat (40), W-LUN id.
  uint64_t lun = 0;
  // Peripheral with a nonzero bus identifier: the next level continues the
  // address (hierarchical addressing).
  bool continues = false;
  ExtendedLunFormat extended = ExtendedLunFormat::kReserved;  // kExtended only
  uint8_t extended_method = 0;                                  // kExtended only
};

struct DecodedLun {
  std::vector<LunLevel> levels;
  // Nonzero bytes after the level that ends the address.
  bool trailing_data = false;
  // The W-LUN id when the first level is a well-known logical unit.
  std::optional<uint8_t> well_known;
};

// Decodes the address levels of one LUN.
DecodedLun decode_lun(const ScsiLun& lun);

// SPC-5 name of a well-known logical unit ("REPORT LUNS", ...); empty when
// the id is not assigned.
std::string_view well_known_lun_name(uint8_t id);

// One line for logs and `explain`, e.g. "flat space LUN 256",
// "well-known LUN 0x01 (REPORT LUNS)", "bus 10 target 4 / LUN 0".
std::string describe_lun(const ScsiLun& lun);

}  // namespace scsi_probe
