// The ID_* properties of systemd 252's `scsi_id --export --whitelisted`
// (Debian 12), byte for byte, computed from the device's answers instead of
// by sending commands. The model follows scsi_id's own steps: standard
// INQUIRY, page 0x00, then page 0x83 (fetching page 0x80 along with it for
// ID_SCSI_SERIAL) for every 0x83 listed, then page 0x80 for every 0x80
// listed, stopping at the first identifier found. Its quirks are kept,
// because /dev/disk/by-id names depend on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "properties.h"

namespace scsi_probe {

// What the device answered to each INQUIRY scsi_id may send. An empty
// vector is a page the device rejected (CHECK CONDITION, ILLEGAL REQUEST) or
// returned nothing for: scsi_id treats both alike. nullopt is an answer the
// caller does not have (yet).
struct ScsiIdInput {
  // Standard INQUIRY data as the device returns it. The kernel's sysfs copy
  // is not that: scsi_scan.c blanks every byte of vendor, model and revision
  // outside 0x20-0x7e and all of a field after a NUL, while scsi_id sends
  // its own INQUIRY and sees the raw bytes.
  std::vector<uint8_t> inquiry;
  std::optional<std::vector<uint8_t>> vpd_pg0;
  std::optional<std::vector<uint8_t>> vpd_pg80;
  std::optional<std::vector<uint8_t>> vpd_pg83;
};

struct ScsiIdResult {
  // The lines scsi_id prints, in its order.
  Properties properties;
  // The VPD pages scsi_id would have asked for, in the order it first asks.
  std::vector<uint8_t> requested_pages;
  // The requested pages whose answer the input lacks (nullopt). They were
  // taken as rejected, so `properties` hold only once this is empty.
  std::vector<uint8_t> missing_pages;
};

// scsi_id's allocation length for every INQUIRY: a device returns at most
// this many bytes of any page.
inline constexpr std::size_t kScsiIdInquiryLength = 254;

ScsiIdResult scsi_id_properties(const ScsiIdInput& input);

// ID_TYPE for a peripheral device type, as systemd 252 names it.
std::string scsi_id_type(uint8_t device_type);

}  // namespace scsi_probe
