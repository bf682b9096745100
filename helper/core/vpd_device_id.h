// Device Identification VPD page 0x83 (SPC-5 7.7.6): the designator list.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace scsi_probe {

// Designator type codes (SPC-5 table 610).
enum DesignatorType : uint8_t {
  kDesigVendorSpecific = 0,
  kDesigT10VendorId = 1,
  kDesigEui64 = 2,
  kDesigNaa = 3,
  kDesigRelativeTargetPort = 4,
  kDesigTargetPortGroup = 5,
  kDesigLogicalUnitGroup = 6,
  kDesigMd5LogicalUnit = 7,
  kDesigScsiName = 8,
  kDesigProtocolSpecificPort = 9,
  kDesigUuid = 0xa,
};

// Association (SPC-5 table 609).
enum Association : uint8_t {
  kAssocLogicalUnit = 0,
  kAssocTargetPort = 1,
  kAssocTargetDevice = 2,
};

// Code set (SPC-5 table 608).
enum CodeSet : uint8_t {
  kCodeSetBinary = 1,
  kCodeSetAscii = 2,
  kCodeSetUtf8 = 3,
};

struct Designator {
  uint8_t protocol_id = 0;  // byte 0 bits 7-4; meaningful only when piv
  uint8_t code_set = 0;     // byte 0 bits 3-0
  bool piv = false;         // byte 1 bit 7
  uint8_t association = 0;  // byte 1 bits 5-4
  uint8_t type = 0;         // byte 1 bits 3-0
  // The whole descriptor (4-byte header + designator) and the designator
  // alone; both point into the page passed to parse_device_id_page().
  std::span<const uint8_t> descriptor;
  std::span<const uint8_t> value;
};

struct DeviceIdPage {
  uint8_t device_type = 0;  // byte 0 of the page
  std::vector<Designator> designators;
  // True when the page claimed more bytes than were there, a descriptor
  // ran past the end, or bytes too few for a descriptor header were left
  // over: what was complete is still listed.
  bool truncated = false;
  // Pre-SPC devices (EMC Symmetrix) send one bare identifier instead of
  // descriptors. scsi_id and sg_inq both tell them by a non-zero byte 6,
  // reserved in a first SPC descriptor. Then `designators` stays empty and
  // this holds the page's payload.
  bool pre_spc = false;
  std::span<const uint8_t> pre_spc_identifier;
};

// Parses page 0x83 (with its 4-byte header). Returns an empty list for data
// that is not page 0x83. The spans point into `page`.
DeviceIdPage parse_device_id_page(std::span<const uint8_t> page);

}  // namespace scsi_probe
