#include "device_data.h"

#include <cstdio>

#include <scsi/sg_lib.h>

#include "vpd_pages.h"

namespace scsi_probe {

const std::vector<uint8_t>* DeviceData::page(uint8_t code) const {
  auto it = vpd.find(code);
  return it == vpd.end() ? nullptr : &it->second;
}

std::string vpd_attribute_name(uint8_t page) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "vpd_pg%x", page);
  return buf;
}

bool kernel_caches_vpd_page(uint8_t page) {
  switch (page) {
    case 0x00:
    case 0x80:
    case 0x83:
    case 0x89:
    case 0xb0:
    case 0xb1:
    case 0xb2:
      return true;
    default:
      return false;
  }
}

VpdFetch plan_vpd_fetches(const DeviceData& d, std::span<const uint8_t> wanted) {
  VpdFetch f;
  const auto* page0 = d.page(0x00);
  if (!page0) {
    f.reason = (d.kernel_flags & kBlistSkipVpdPages)
                   ? "kernel skips VPD pages for this device (SKIP_VPD_PAGES)"
                   : "kernel read no VPD page 0 from this device: sending none";
    return f;
  }
  auto listed = parse_supported_pages(*page0);
  for (uint8_t p : wanted)
    if (!d.page(p) && listed && listed->supports(p)) f.pages.push_back(p);
  char buf[64];
  f.reason.clear();
  for (uint8_t p : f.pages) {
    std::snprintf(buf, sizeof buf, "%s0x%02x", f.reason.empty() ? "" : ",", p);
    f.reason += buf;
  }
  f.reason = f.pages.empty() ? "kernel cache complete"
                             : "listed in page 0 but not cached by the kernel: " + f.reason;
  return f;
}

VpdRead classify_vpd_read(bool ok, bool has_data, int sg_lib_category) {
  if (ok) return has_data ? VpdRead::kPage : VpdRead::kRejected;
  if (sg_lib_category == SG_LIB_CAT_ILLEGAL_REQ || sg_lib_category == SG_LIB_CAT_INVALID_OP)
    return VpdRead::kRejected;
  return VpdRead::kUnreadable;
}

void record_vpd_read(DeviceData& d, uint8_t page, VpdRead outcome, std::vector<uint8_t> bytes) {
  if (outcome == VpdRead::kUnreadable) {
    d.vpd.erase(page);
    d.unreadable.insert(page);
    return;
  }
  d.unreadable.erase(page);
  d.vpd[page] = outcome == VpdRead::kPage ? std::move(bytes) : std::vector<uint8_t>{};
}

bool usable_inquiry(std::span<const uint8_t> data) { return data.size() >= 5; }

InquirySource choose_inquiry_source(const std::optional<std::vector<uint8_t>>& raw, bool may_send_commands) {
  if (raw && usable_inquiry(*raw)) return InquirySource::kKernelRawCopy;
  return may_send_commands ? InquirySource::kDevice : InquirySource::kKernelSanitizedCopy;
}

std::string_view inquiry_source_text(InquirySource s) {
  switch (s) {
    case InquirySource::kKernelRawCopy: return "the kernel's unsanitized copy (inquiry_raw)";
    case InquirySource::kDevice: return "asked of the device (the kernel's copy is sanitized, no inquiry_raw)";
    case InquirySource::kKernelSanitizedCopy: return "the kernel's sanitized copy (inquiry)";
  }
  return "?";
}

}  // namespace scsi_probe
