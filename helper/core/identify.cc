#include "identify.h"

#include <array>

#include "scsi_id_properties.h"
#include "sg_inq_properties.h"
#include "vpd_pages.h"

namespace scsi_probe {

namespace {

constexpr std::array<uint8_t, 3> kPages{0x00, 0x80, 0x83};

// scsi_id's view of a page: the kernel's copy; an empty answer (rejected)
// for a page that page 0 lists but the kernel could not read; unknown for a
// page the kernel never asked for (no page 0, or a page it does not list,
// which scsi_id still asks for: 0x80 along with 0x83).
std::optional<std::vector<uint8_t>> scsi_id_page(const DeviceData& d, uint8_t code) {
  if (const auto* p = d.page(code)) return *p;
  // Asked and not answered: what scsi_id would read is not known. Taking it
  // for rejected would build ID_SERIAL from the next page down (0x80 in
  // place of 0x83), another name than scsi_id's.
  if (d.unreadable.count(code)) return std::nullopt;
  const auto* page0 = d.page(0x00);
  if (!page0) return std::nullopt;
  if (code == 0x00) return std::vector<uint8_t>{};
  auto listed = parse_supported_pages(*page0);
  if (listed && listed->supports(code)) return std::vector<uint8_t>{};
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
  id.missing_pages = sid.missing_pages;
  bool complete = sid.missing_pages.empty();
  for (auto& p : sid.properties)
    if (complete || inquiry_only_key(p.key)) id.properties.push_back(std::move(p));
  if (!complete) {
    set_property(id.properties, "SCSI_PROBE_ID_LEFT_TO_SCSI_ID", "1");
    bool failed = false;
    for (uint8_t p : sid.missing_pages) failed = failed || d.unreadable.count(p);
    id.warnings.push_back(failed ? "VPD pages scsi_id reads could not be read: ID_SERIAL left to scsi_id"
                                 : "scsi_id would read VPD pages the kernel did not: ID_SERIAL left to scsi_id");
  }

  for (auto& p : sg_inq_properties(d.inquiry, page_or_empty(d, 0x80), page_or_empty(d, 0x83)))
    id.properties.push_back(std::move(p));
  return id;
}

}  // namespace scsi_probe
