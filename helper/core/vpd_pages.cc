#include "vpd_pages.h"

#include <algorithm>

#include <scsi/sg_unaligned.h>

namespace scsi_probe {

namespace {

// The page as far as it is both claimed and present, header included, so
// that offsets read like the standards' tables.
class PageView {
 public:
  PageView(std::span<const uint8_t> page, const VpdHeader& h)
      : bytes_(page.first(4 + h.payload.size())) {}

  bool has(std::size_t offset, std::size_t len) const {
    return offset + len <= bytes_.size();
  }

  std::optional<uint8_t> u8(std::size_t offset) const {
    if (!has(offset, 1)) return std::nullopt;
    return bytes_[offset];
  }
  std::optional<uint16_t> be16(std::size_t offset) const {
    if (!has(offset, 2)) return std::nullopt;
    return sg_get_unaligned_be16(bytes_.data() + offset);
  }
  std::optional<uint32_t> be32(std::size_t offset) const {
    if (!has(offset, 4)) return std::nullopt;
    return sg_get_unaligned_be32(bytes_.data() + offset);
  }
  std::optional<uint64_t> be64(std::size_t offset) const {
    if (!has(offset, 8)) return std::nullopt;
    return sg_get_unaligned_be64(bytes_.data() + offset);
  }
  std::optional<uint8_t> bits(std::size_t offset, int shift, uint8_t mask) const {
    auto b = u8(offset);
    if (!b) return std::nullopt;
    return static_cast<uint8_t>((*b >> shift) & mask);
  }
  std::optional<bool> bit(std::size_t offset, int shift) const {
    auto b = bits(offset, shift, 1);
    if (!b) return std::nullopt;
    return *b != 0;
  }
  // Up to `len` bytes from `offset`, fewer when the page ends first.
  std::string text(std::size_t offset, std::size_t len) const {
    if (offset >= bytes_.size()) return {};
    std::size_t n = std::min(len, bytes_.size() - offset);
    return std::string(reinterpret_cast<const char*>(bytes_.data() + offset), n);
  }
  std::span<const uint8_t> tail(std::size_t offset, std::size_t len) const {
    if (offset >= bytes_.size()) return {};
    return bytes_.subspan(offset, std::min(len, bytes_.size() - offset));
  }

 private:
  std::span<const uint8_t> bytes_;
};

}  // namespace

std::optional<VpdHeader> parse_vpd_header(std::span<const uint8_t> page) {
  if (page.size() < 4) return std::nullopt;
  VpdHeader h;
  h.qualifier = (page[0] >> 5) & 0x7;
  h.device_type = page[0] & 0x1f;
  h.page_code = page[1];
  h.claimed_length = sg_get_unaligned_be16(page.data() + 2);
  std::size_t present = page.size() - 4;
  h.payload = page.subspan(4, std::min(h.claimed_length, present));
  h.truncated = h.claimed_length > present;
  return h;
}

std::optional<VpdHeader> parse_vpd_page(std::span<const uint8_t> page, uint8_t code) {
  auto h = parse_vpd_header(page);
  if (!h || h->page_code != code) return std::nullopt;
  return h;
}

bool SupportedPages::supports(uint8_t code) const {
  return std::find(pages.begin(), pages.end(), code) != pages.end();
}

std::optional<SupportedPages> parse_supported_pages(std::span<const uint8_t> page) {
  auto h = parse_vpd_page(page, 0x00);
  if (!h) return std::nullopt;
  SupportedPages out;
  out.pages.assign(h->payload.begin(), h->payload.end());
  out.truncated = h->truncated;
  return out;
}

std::optional<UnitSerialNumber> parse_unit_serial_number(std::span<const uint8_t> page) {
  auto h = parse_vpd_page(page, 0x80);
  if (!h) return std::nullopt;
  UnitSerialNumber out;
  out.serial.assign(h->payload.begin(), h->payload.end());
  out.truncated = h->truncated;
  return out;
}

std::optional<AtaInformation> parse_ata_information(std::span<const uint8_t> page) {
  auto h = parse_vpd_page(page, 0x89);
  if (!h) return std::nullopt;
  PageView v(page, *h);
  AtaInformation out;
  out.sat_vendor = v.text(8, 8);
  out.sat_product = v.text(16, 16);
  out.sat_revision = v.text(32, 4);
  if (v.has(36, 20)) {
    std::array<uint8_t, 20> fis{};
    auto src = v.tail(36, 20);
    std::copy(src.begin(), src.end(), fis.begin());
    out.signature = fis;
  }
  out.command_code = v.u8(56);
  out.identify_data = v.tail(60, 512);
  out.identify_complete = out.identify_data.size() == 512;
  out.truncated = h->truncated;
  return out;
}

std::optional<BlockLimits> parse_block_limits(std::span<const uint8_t> page) {
  auto h = parse_vpd_page(page, 0xb0);
  if (!h) return std::nullopt;
  PageView v(page, *h);
  BlockLimits out;
  out.sbc3_length = h->claimed_length == 0x3c;
  out.wsnz = v.bit(4, 0);
  out.max_compare_and_write_length = v.u8(5);
  out.optimal_transfer_length_granularity = v.be16(6);
  out.max_transfer_length = v.be32(8);
  out.optimal_transfer_length = v.be32(12);
  out.max_prefetch_length = v.be32(16);
  out.max_unmap_lba_count = v.be32(20);
  out.max_unmap_descriptor_count = v.be32(24);
  out.optimal_unmap_granularity = v.be32(28);
  if (auto a = v.be32(32)) {
    out.unmap_granularity_alignment_valid = (*a >> 31) != 0;
    out.unmap_granularity_alignment = *a & 0x7fffffff;
  }
  out.max_write_same_length = v.be64(36);
  out.max_atomic_transfer_length = v.be32(44);
  out.atomic_alignment = v.be32(48);
  out.atomic_transfer_length_granularity = v.be32(52);
  out.max_atomic_transfer_length_with_boundary = v.be32(56);
  out.max_atomic_boundary_size = v.be32(60);
  out.truncated = h->truncated;
  return out;
}

std::optional<BlockDeviceCharacteristics> parse_block_device_characteristics(
    std::span<const uint8_t> page) {
  auto h = parse_vpd_page(page, 0xb1);
  if (!h) return std::nullopt;
  PageView v(page, *h);
  BlockDeviceCharacteristics out;
  out.medium_rotation_rate = v.be16(4);
  out.product_type = v.u8(6);
  out.wabereq = v.bits(7, 6, 0x3);
  out.wacereq = v.bits(7, 4, 0x3);
  out.nominal_form_factor = v.bits(7, 0, 0xf);
  out.zoned = v.bits(8, 4, 0x3);
  out.fuab = v.bit(8, 1);
  out.vbuls = v.bit(8, 0);
  out.truncated = h->truncated;
  return out;
}

std::optional<LogicalBlockProvisioning> parse_logical_block_provisioning(
    std::span<const uint8_t> page) {
  auto h = parse_vpd_page(page, 0xb2);
  if (!h) return std::nullopt;
  PageView v(page, *h);
  LogicalBlockProvisioning out;
  out.threshold_exponent = v.u8(4);
  out.lbpu = v.bit(5, 7);
  out.lbpws = v.bit(5, 6);
  out.lbpws10 = v.bit(5, 5);
  out.lbprz = v.bits(5, 2, 0x7);
  out.anc_sup = v.bit(5, 1);
  out.dp = v.bit(5, 0);
  out.minimum_percentage = v.bits(6, 3, 0x1f);
  out.provisioning_type = v.bits(6, 0, 0x7);
  out.threshold_percentage = v.u8(7);
  out.truncated = h->truncated;
  // The descriptor's own length (byte 3) must fit in what is present.
  if (out.dp.value_or(false) && v.has(8, 4)) {
    std::size_t len = 4 + *v.u8(11);
    if (v.has(8, len))
      out.provisioning_group_descriptor = v.tail(8, len);
    else
      out.truncated = true;
  }
  return out;
}

}  // namespace scsi_probe
