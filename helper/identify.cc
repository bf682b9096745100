#include "identify.h"

#include <array>

#include "scsi_id_properties.h"
#include "sg_inq_properties.h"

namespace scsi_probe {

namespace {

constexpr std::array<uint8_t, 3> kPages{0x00, 0x80, 0x83};

// scsi_id's view of a page: the kernel's copy, an empty answer for a page
// the kernel asked about in vain, or unknown when the kernel asked nothing.
std::optional<std::vector<uint8_t>> scsi_id_page(const DeviceData& d, uint8_t code) {
  if (const auto* p = d.page(code)) return *p;
  if (d.page(0x00)) return std::vector<uint8_t>{};
  return std::nullopt;
}

bool inquiry_only_key(const std::string& key) {
  return key == "ID_SCSI" || key.starts_with("ID_VENDOR") || key.starts_with("ID_MODEL") ||
         key == "ID_REVISION" || key == "ID_TYPE";
}

std::span<const uint8_t> page_or_empty(const DeviceData& d, uint8_t code) {
  const auto* p = d.page(code);
  return p ? std::span<const uint8_t>(*p) : std::span<const uint8_t>();
}

}  // namespace

std::span<const uint8_t> identification_pages() { return kPages; }

Identity identify_device(const DeviceData& d) {
  Identity id;
  ScsiIdInput in;
  in.inquiry = d.inquiry;
  in.vpd_pg0 = scsi_id_page(d, 0x00);
  in.vpd_pg80 = scsi_id_page(d, 0x80);
  in.vpd_pg83 = scsi_id_page(d, 0x83);
  ScsiIdResult sid = scsi_id_properties(in);
  bool complete = sid.missing_pages.empty();
  for (auto& p : sid.properties)
    if (complete || inquiry_only_key(p.key)) id.properties.push_back(std::move(p));
  if (!complete)
    id.warnings.push_back(
        "the kernel read no VPD from this device: ID_SERIAL left to scsi_id");

  for (auto& p : sg_inq_properties(d.inquiry, page_or_empty(d, 0x80), page_or_empty(d, 0x83)))
    id.properties.push_back(std::move(p));
  return id;
}

}  // namespace scsi_probe
