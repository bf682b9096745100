// Vital product data pages (SPC-5 7.7, SBC-4 6.6, SAT-4 12.4.2), parsed
// from whatever bytes a device returned. A page that claims more than was
// transferred is normal: every parser reports the fields that are complete
// and flags the rest as truncated, never reading past the data.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace scsi_probe {

// The 4-byte header every VPD page starts with.
struct VpdHeader {
  uint8_t qualifier = 0;    // byte 0 bits 7-5
  uint8_t device_type = 0;  // byte 0 bits 4-0
  uint8_t page_code = 0;    // byte 1
  std::size_t claimed_length = 0;  // bytes 2-3: bytes after the header
  // The bytes after the header that are both claimed and present.
  std::span<const uint8_t> payload;
  // The page claimed more bytes than were there.
  bool truncated = false;
};

// Returns nullopt when the header itself is incomplete.
std::optional<VpdHeader> parse_vpd_header(std::span<const uint8_t> page);

// As parse_vpd_header, and nullopt too when the page code is not `code`.
std::optional<VpdHeader> parse_vpd_page(std::span<const uint8_t> page, uint8_t code);

// Page 0x00: Supported VPD pages.
struct SupportedPages {
  std::vector<uint8_t> pages;  // in the device's order
  bool truncated = false;
  bool supports(uint8_t code) const;
};
std::optional<SupportedPages> parse_supported_pages(std::span<const uint8_t> page);

// Page 0x80: Unit serial number, raw bytes as the page gives them (padding,
// NULs and all; consumers apply their own encodings).
struct UnitSerialNumber {
  std::string serial;
  bool truncated = false;
};
std::optional<UnitSerialNumber> parse_unit_serial_number(std::span<const uint8_t> page);

// Page 0x89: ATA information (SAT). Fields are absent when the page ends
// before them; the strings are raw and may be short when truncated.
struct AtaInformation {
  std::string sat_vendor;    // bytes 8-15
  std::string sat_product;   // bytes 16-31
  std::string sat_revision;  // bytes 32-35
  // Device-to-host FIS with the signature (bytes 36-55).
  std::optional<std::array<uint8_t, 20>> signature;
  // The ATA command whose data follows: 0xec IDENTIFY DEVICE,
  // 0xa1 IDENTIFY PACKET DEVICE (byte 56).
  std::optional<uint8_t> command_code;
  // IDENTIFY (PACKET) DEVICE data (bytes 60-571), as much as is present.
  std::span<const uint8_t> identify_data;
  bool identify_complete = false;  // all 512 bytes present
  bool truncated = false;
};
inline constexpr uint8_t kAtaIdentifyDevice = 0xec;
inline constexpr uint8_t kAtaIdentifyPacketDevice = 0xa1;
std::optional<AtaInformation> parse_ata_information(std::span<const uint8_t> page);

// Page 0xb0: Block limits (SBC-4 6.6.4). SBC-2 devices send 16 bytes
// (page length 0x0c); SBC-3 and later 64 (page length 0x3c). The kernel
// trusts the fields past byte 15 only when the page length is 0x3c, so
// `sbc3_length` says whether it was.
struct BlockLimits {
  bool sbc3_length = false;
  std::optional<bool> wsnz;                                   // byte 4 bit 0
  std::optional<uint8_t> max_compare_and_write_length;        // byte 5
  std::optional<uint16_t> optimal_transfer_length_granularity;  // bytes 6-7
  std::optional<uint32_t> max_transfer_length;                // bytes 8-11
  std::optional<uint32_t> optimal_transfer_length;            // bytes 12-15
  std::optional<uint32_t> max_prefetch_length;                // bytes 16-19
  std::optional<uint32_t> max_unmap_lba_count;                // bytes 20-23
  std::optional<uint32_t> max_unmap_descriptor_count;         // bytes 24-27
  std::optional<uint32_t> optimal_unmap_granularity;          // bytes 28-31
  std::optional<bool> unmap_granularity_alignment_valid;      // byte 32 bit 7
  std::optional<uint32_t> unmap_granularity_alignment;        // bytes 32-35, 31 bits
  std::optional<uint64_t> max_write_same_length;              // bytes 36-43
  std::optional<uint32_t> max_atomic_transfer_length;         // bytes 44-47
  std::optional<uint32_t> atomic_alignment;                   // bytes 48-51
  std::optional<uint32_t> atomic_transfer_length_granularity;  // bytes 52-55
  std::optional<uint32_t> max_atomic_transfer_length_with_boundary;  // 56-59
  std::optional<uint32_t> max_atomic_boundary_size;           // bytes 60-63
  bool truncated = false;
};
std::optional<BlockLimits> parse_block_limits(std::span<const uint8_t> page);

// Page 0xb1: Block device characteristics (SBC-4 6.6.2).
struct BlockDeviceCharacteristics {
  // 0 not reported, 1 non-rotating medium (solid state), else rpm.
  std::optional<uint16_t> medium_rotation_rate;  // bytes 4-5
  std::optional<uint8_t> product_type;           // byte 6
  std::optional<uint8_t> wabereq;                // byte 7 bits 7-6
  std::optional<uint8_t> wacereq;                // byte 7 bits 5-4
  // 0 not reported, 1 5.25", 2 3.5", 3 2.5", 4 1.8", 5 less than 1.8".
  std::optional<uint8_t> nominal_form_factor;    // byte 7 bits 3-0
  // 0 not reported, 1 host aware, 2 device managed.
  std::optional<uint8_t> zoned;                  // byte 8 bits 5-4
  std::optional<bool> fuab;                      // byte 8 bit 1
  std::optional<bool> vbuls;                     // byte 8 bit 0
  bool truncated = false;
};
inline constexpr uint16_t kNonRotatingMedium = 1;
std::optional<BlockDeviceCharacteristics> parse_block_device_characteristics(
    std::span<const uint8_t> page);

// Page 0xb2: Logical block provisioning (SBC-4 6.6.6).
struct LogicalBlockProvisioning {
  std::optional<uint8_t> threshold_exponent;  // byte 4
  // Byte 5 flags (all present or all absent).
  std::optional<bool> lbpu;     // bit 7: UNMAP supported
  std::optional<bool> lbpws;    // bit 6: WRITE SAME(16) with UNMAP
  std::optional<bool> lbpws10;  // bit 5: WRITE SAME(10) with UNMAP
  std::optional<uint8_t> lbprz;  // bits 4-2 (SBC-4: 3 bits; SBC-3: bit 2 only)
  std::optional<bool> anc_sup;  // bit 1
  std::optional<bool> dp;       // bit 0: provisioning group descriptor present
  std::optional<uint8_t> minimum_percentage;     // byte 6 bits 7-3
  // 0 full, 1 resource provisioned, 2 thin provisioned.
  std::optional<uint8_t> provisioning_type;      // byte 6 bits 2-0
  std::optional<uint8_t> threshold_percentage;   // byte 7
  // The provisioning group descriptor (from byte 8) when DP is set and it
  // is complete: a designation descriptor as on page 0x83.
  std::span<const uint8_t> provisioning_group_descriptor;
  bool truncated = false;
};
inline constexpr uint8_t kProvisioningFull = 0;
inline constexpr uint8_t kProvisioningResource = 1;
inline constexpr uint8_t kProvisioningThin = 2;
std::optional<LogicalBlockProvisioning> parse_logical_block_provisioning(
    std::span<const uint8_t> page);

}  // namespace scsi_probe
