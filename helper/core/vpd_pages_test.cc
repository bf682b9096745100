#include "vpd_pages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace scsi_probe {
namespace {

using Bytes = std::vector<uint8_t>;

// A page with a truthful length field.
Bytes page(uint8_t code, Bytes payload, uint8_t byte0 = 0) {
  Bytes p(4 + payload.size());
  p[0] = byte0;
  p[1] = code;
  p[2] = uint8_t(payload.size() >> 8);
  p[3] = uint8_t(payload.size());
  std::copy(payload.begin(), payload.end(), p.begin() + 4);
  return p;
}

Bytes with_length(Bytes p, std::size_t claimed) {
  p[2] = uint8_t(claimed >> 8);
  p[3] = uint8_t(claimed);
  return p;
}

Bytes text_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

// ---- header ----

TEST(VpdHeader, NeedsFourBytes) {
  EXPECT_FALSE(parse_vpd_header(Bytes{}).has_value());
  EXPECT_FALSE(parse_vpd_header(Bytes{0, 0x80, 0}).has_value());
  EXPECT_TRUE(parse_vpd_header(Bytes{0, 0x80, 0, 0}).has_value());
}

TEST(VpdHeader, DecodesByteZeroAndCode) {
  auto h = parse_vpd_header(page(0x83, {1, 2}, 0x65));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->qualifier, 3);
  EXPECT_EQ(h->device_type, 5);
  EXPECT_EQ(h->page_code, 0x83);
  EXPECT_EQ(h->claimed_length, 2u);
  EXPECT_EQ(h->payload.size(), 2u);
  EXPECT_FALSE(h->truncated);
}

TEST(VpdHeader, LengthIsTwoBytes) {
  Bytes p = page(0x83, Bytes(0x123, 0xaa));
  auto h = parse_vpd_header(p);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->claimed_length, 0x123u);
  EXPECT_EQ(h->payload.size(), 0x123u);
}

TEST(VpdHeader, ClaimedMoreThanPresentIsClippedAndFlagged) {
  auto p = with_length(page(0x80, {'a', 'b'}), 10);
  auto h = parse_vpd_header(p);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->claimed_length, 10u);
  EXPECT_EQ(h->payload.size(), 2u);
  EXPECT_TRUE(h->truncated);
}

TEST(VpdHeader, ClaimedLessThanPresentIgnoresTheRest) {
  auto p = with_length(page(0x80, {'a', 'b', 'c'}), 1);
  auto h = parse_vpd_header(p);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->payload.size(), 1u);
  EXPECT_FALSE(h->truncated);
}

TEST(VpdHeader, PageCodeMustMatch) {
  EXPECT_FALSE(parse_vpd_page(page(0x80, {}), 0x83).has_value());
  EXPECT_TRUE(parse_vpd_page(page(0x83, {}), 0x83).has_value());
}

// ---- 0x00 ----

TEST(SupportedPages, ListsPagesInOrder) {
  auto sp = parse_supported_pages(page(0x00, {0x00, 0x80, 0x83, 0xb0}));
  ASSERT_TRUE(sp);
  EXPECT_EQ(sp->pages, (std::vector<uint8_t>{0x00, 0x80, 0x83, 0xb0}));
  EXPECT_TRUE(sp->supports(0x83));
  EXPECT_FALSE(sp->supports(0x89));
  EXPECT_FALSE(sp->truncated);
}

TEST(SupportedPages, TruncatedListKeepsWhatArrived) {
  auto sp = parse_supported_pages(with_length(page(0x00, {0x00, 0x80}), 5));
  ASSERT_TRUE(sp);
  EXPECT_EQ(sp->pages, (std::vector<uint8_t>{0x00, 0x80}));
  EXPECT_TRUE(sp->truncated);
}

TEST(SupportedPages, WrongPageOrShortIsNothing) {
  EXPECT_FALSE(parse_supported_pages(page(0x80, {0})));
  EXPECT_FALSE(parse_supported_pages(Bytes{0, 0}));
}

TEST(SupportedPages, EmptyList) {
  auto sp = parse_supported_pages(page(0x00, {}));
  ASSERT_TRUE(sp);
  EXPECT_TRUE(sp->pages.empty());
}

// ---- 0x80 ----

TEST(UnitSerialNumber, KeepsRawBytes) {
  Bytes payload = text_bytes("  AB C");
  payload.push_back(0);
  payload.push_back(0xff);
  auto sn = parse_unit_serial_number(page(0x80, payload));
  ASSERT_TRUE(sn);
  EXPECT_EQ(sn->serial, std::string("  AB C\0\xff", 8));
  EXPECT_FALSE(sn->truncated);
}

TEST(UnitSerialNumber, LyingLength) {
  auto sn = parse_unit_serial_number(with_length(page(0x80, text_bytes("XYZ")), 20));
  ASSERT_TRUE(sn);
  EXPECT_EQ(sn->serial, "XYZ");
  EXPECT_TRUE(sn->truncated);
  auto shorter = parse_unit_serial_number(with_length(page(0x80, text_bytes("XYZ")), 2));
  ASSERT_TRUE(shorter);
  EXPECT_EQ(shorter->serial, "XY");
  EXPECT_FALSE(shorter->truncated);
}

TEST(UnitSerialNumber, WrongPage) {
  EXPECT_FALSE(parse_unit_serial_number(page(0x83, text_bytes("XYZ"))));
}

// ---- 0x89 ----

Bytes ata_page(std::size_t identify_len, uint8_t command = kAtaIdentifyDevice) {
  Bytes payload(4, 0);  // bytes 4-7 reserved
  auto add = [&](const std::string& s) { payload.insert(payload.end(), s.begin(), s.end()); };
  add("linux   ");
  add("libata          ");
  add("3.00");
  Bytes fis(20);
  for (std::size_t i = 0; i < fis.size(); ++i) fis[i] = uint8_t(0x30 + i);
  payload.insert(payload.end(), fis.begin(), fis.end());
  payload.push_back(command);
  payload.insert(payload.end(), 3, 0);
  for (std::size_t i = 0; i < identify_len; ++i) payload.push_back(uint8_t(i));
  return page(0x89, payload);
}

TEST(AtaInformation, FullPage) {
  Bytes p = ata_page(512);  // identify_data points into it
  auto ai = parse_ata_information(p);
  ASSERT_TRUE(ai);
  EXPECT_EQ(ai->sat_vendor, "linux   ");
  EXPECT_EQ(ai->sat_product, "libata          ");
  EXPECT_EQ(ai->sat_revision, "3.00");
  ASSERT_TRUE(ai->signature);
  EXPECT_EQ((*ai->signature)[0], 0x30);
  EXPECT_EQ((*ai->signature)[19], 0x30 + 19);
  EXPECT_EQ(ai->command_code, kAtaIdentifyDevice);
  EXPECT_EQ(ai->identify_data.size(), 512u);
  EXPECT_EQ(ai->identify_data[511], uint8_t(511));
  EXPECT_TRUE(ai->identify_complete);
  EXPECT_FALSE(ai->truncated);
}

TEST(AtaInformation, PacketDevice) {
  auto ai = parse_ata_information(ata_page(512, kAtaIdentifyPacketDevice));
  ASSERT_TRUE(ai);
  EXPECT_EQ(ai->command_code, kAtaIdentifyPacketDevice);
}

TEST(AtaInformation, IdentifyDataCut) {
  Bytes p = ata_page(512);
  p.resize(4 + 56 + 100);
  auto ai = parse_ata_information(p);
  ASSERT_TRUE(ai);
  EXPECT_EQ(ai->identify_data.size(), 100u);
  EXPECT_FALSE(ai->identify_complete);
  EXPECT_TRUE(ai->truncated);
}

TEST(AtaInformation, NoIdentifyData) {
  auto ai = parse_ata_information(ata_page(0));
  ASSERT_TRUE(ai);
  EXPECT_TRUE(ai->signature);
  EXPECT_TRUE(ai->command_code);
  EXPECT_TRUE(ai->identify_data.empty());
  EXPECT_FALSE(ai->identify_complete);
  EXPECT_FALSE(ai->truncated);
}

TEST(AtaInformation, CutInsideStringsAndSignature) {
  Bytes p = ata_page(512);
  p.resize(20);
  auto ai = parse_ata_information(p);
  ASSERT_TRUE(ai);
  EXPECT_EQ(ai->sat_vendor, "linux   ");
  EXPECT_EQ(ai->sat_product, "liba");
  EXPECT_EQ(ai->sat_revision, "");
  EXPECT_FALSE(ai->signature);
  EXPECT_FALSE(ai->command_code);
  EXPECT_TRUE(ai->truncated);

  p = ata_page(512);
  p.resize(50);
  ai = parse_ata_information(p);
  ASSERT_TRUE(ai);
  EXPECT_EQ(ai->sat_revision, "3.00");
  EXPECT_FALSE(ai->signature);
}

TEST(AtaInformation, ShortClaimHidesPresentBytes) {
  Bytes p = with_length(ata_page(512), 32);  // up to the revision only
  auto ai = parse_ata_information(p);
  ASSERT_TRUE(ai);
  EXPECT_EQ(ai->sat_revision, "3.00");
  EXPECT_FALSE(ai->signature);
  EXPECT_FALSE(ai->command_code);
  EXPECT_TRUE(ai->identify_data.empty());
  EXPECT_FALSE(ai->truncated);
}

// ---- 0xb0 ----

Bytes block_limits_payload() {
  Bytes b(0x3c, 0);
  auto put32 = [&](std::size_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[off - 4 + i] = uint8_t(v >> (24 - 8 * i));
  };
  b[0] = 0x01;  // byte 4: WSNZ
  b[1] = 0x05;  // byte 5
  b[2] = 0x00;
  b[3] = 0x08;  // bytes 6-7: 8
  put32(8, 0x00010000);
  put32(12, 0x00000800);
  put32(16, 0x11223344);
  put32(20, 0x00400000);
  put32(24, 0x00000001);
  put32(28, 0x00000010);
  put32(32, 0x80000003);
  put32(36, 0x00000001);
  put32(40, 0x00000002);
  put32(44, 0xa);
  put32(48, 0xb);
  put32(52, 0xc);
  put32(56, 0xd);
  put32(60, 0xe);
  return b;
}

TEST(BlockLimits, Sbc3Page) {
  auto bl = parse_block_limits(page(0xb0, block_limits_payload()));
  ASSERT_TRUE(bl);
  EXPECT_TRUE(bl->sbc3_length);
  EXPECT_EQ(bl->wsnz, true);
  EXPECT_EQ(bl->max_compare_and_write_length, 5);
  EXPECT_EQ(bl->optimal_transfer_length_granularity, 8);
  EXPECT_EQ(bl->max_transfer_length, 0x10000u);
  EXPECT_EQ(bl->optimal_transfer_length, 0x800u);
  EXPECT_EQ(bl->max_prefetch_length, 0x11223344u);
  EXPECT_EQ(bl->max_unmap_lba_count, 0x400000u);
  EXPECT_EQ(bl->max_unmap_descriptor_count, 1u);
  EXPECT_EQ(bl->optimal_unmap_granularity, 0x10u);
  EXPECT_EQ(bl->unmap_granularity_alignment_valid, true);
  EXPECT_EQ(bl->unmap_granularity_alignment, 3u);
  EXPECT_EQ(bl->max_write_same_length, 0x100000002ull);
  EXPECT_EQ(bl->max_atomic_transfer_length, 0xau);
  EXPECT_EQ(bl->atomic_alignment, 0xbu);
  EXPECT_EQ(bl->atomic_transfer_length_granularity, 0xcu);
  EXPECT_EQ(bl->max_atomic_transfer_length_with_boundary, 0xdu);
  EXPECT_EQ(bl->max_atomic_boundary_size, 0xeu);
  EXPECT_FALSE(bl->truncated);
}

TEST(BlockLimits, AlignmentWithoutValidBit) {
  Bytes b = block_limits_payload();
  b[28] = 0x7f;  // byte 32: UGAVALID clear, high alignment bits set
  auto bl = parse_block_limits(page(0xb0, b));
  ASSERT_TRUE(bl);
  EXPECT_EQ(bl->unmap_granularity_alignment_valid, false);
  EXPECT_EQ(bl->unmap_granularity_alignment, 0x7f000003u);
}

TEST(BlockLimits, Sbc2PageHasNoUnmapFields) {
  Bytes b = block_limits_payload();
  b.resize(0x0c);
  auto bl = parse_block_limits(page(0xb0, b));
  ASSERT_TRUE(bl);
  EXPECT_FALSE(bl->sbc3_length);
  EXPECT_EQ(bl->max_transfer_length, 0x10000u);
  EXPECT_EQ(bl->optimal_transfer_length, 0x800u);
  EXPECT_FALSE(bl->max_prefetch_length);
  EXPECT_FALSE(bl->max_unmap_lba_count);
  EXPECT_FALSE(bl->max_write_same_length);
  EXPECT_FALSE(bl->truncated);
}

TEST(BlockLimits, TruncatedSbc3PageReportsCompleteFieldsOnly) {
  Bytes p = page(0xb0, block_limits_payload());
  p.resize(42);  // cuts max write same length (bytes 36-43)
  auto bl = parse_block_limits(p);
  ASSERT_TRUE(bl);
  EXPECT_TRUE(bl->sbc3_length);
  EXPECT_TRUE(bl->truncated);
  EXPECT_EQ(bl->unmap_granularity_alignment, 3u);
  EXPECT_FALSE(bl->max_write_same_length);
  EXPECT_FALSE(bl->max_atomic_boundary_size);
}

TEST(BlockLimits, LengthNeither0cNor3c) {
  Bytes p = with_length(page(0xb0, block_limits_payload()), 0x20);
  auto bl = parse_block_limits(p);
  ASSERT_TRUE(bl);
  EXPECT_FALSE(bl->sbc3_length);
  EXPECT_EQ(bl->max_unmap_descriptor_count, 1u);
  EXPECT_EQ(bl->unmap_granularity_alignment, 3u);
  EXPECT_FALSE(bl->max_write_same_length);  // bytes 36-43 are past 4 + 0x20
  EXPECT_FALSE(bl->truncated);
}

TEST(BlockLimits, HeaderOnly) {
  auto bl = parse_block_limits(page(0xb0, {}));
  ASSERT_TRUE(bl);
  EXPECT_FALSE(bl->wsnz);
  EXPECT_FALSE(bl->max_transfer_length);
}

TEST(BlockLimits, WrongPage) {
  EXPECT_FALSE(parse_block_limits(page(0xb1, block_limits_payload())));
}

// ---- 0xb1 ----

TEST(BlockDeviceCharacteristics, SolidState) {
  Bytes b(0x3c, 0);
  b[0] = 0x00;
  b[1] = 0x01;  // non-rotating
  b[2] = 0x00;
  b[3] = 0x93;  // WABEREQ 2, WACEREQ 1, form factor 3 (2.5")
  b[4] = 0x13;  // ZONED 1, FUAB, VBULS
  auto c = parse_block_device_characteristics(page(0xb1, b));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->medium_rotation_rate, kNonRotatingMedium);
  EXPECT_EQ(c->product_type, 0);
  EXPECT_EQ(c->wabereq, 2);
  EXPECT_EQ(c->wacereq, 1);
  EXPECT_EQ(c->nominal_form_factor, 3);
  EXPECT_EQ(c->zoned, 1);
  EXPECT_EQ(c->fuab, true);
  EXPECT_EQ(c->vbuls, true);
  EXPECT_FALSE(c->truncated);
}

TEST(BlockDeviceCharacteristics, RotatingDiskHostManagedBitsClear) {
  Bytes b(0x3c, 0);
  b[0] = 0x1c;
  b[1] = 0x20;  // 7200 rpm
  b[3] = 0x02;
  b[4] = 0x20;  // ZONED 2 (device managed)
  auto c = parse_block_device_characteristics(page(0xb1, b));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->medium_rotation_rate, 7200);
  EXPECT_EQ(c->nominal_form_factor, 2);
  EXPECT_EQ(c->zoned, 2);
  EXPECT_EQ(c->fuab, false);
  EXPECT_EQ(c->vbuls, false);
}

TEST(BlockDeviceCharacteristics, Truncated) {
  Bytes p = page(0xb1, Bytes(0x3c, 0x11));
  p.resize(7);
  auto c = parse_block_device_characteristics(p);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->medium_rotation_rate, 0x1111);
  EXPECT_EQ(c->product_type, 0x11);
  EXPECT_FALSE(c->nominal_form_factor);
  EXPECT_FALSE(c->zoned);
  EXPECT_TRUE(c->truncated);
}

TEST(BlockDeviceCharacteristics, RotationRateCutInHalf) {
  Bytes p = page(0xb1, Bytes(0x3c, 0x11));
  p.resize(5);
  auto c = parse_block_device_characteristics(p);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->medium_rotation_rate);
}

TEST(BlockDeviceCharacteristics, WrongPage) {
  EXPECT_FALSE(parse_block_device_characteristics(page(0xb2, Bytes(8, 0))));
}

// ---- 0xb2 ----

TEST(LogicalBlockProvisioning, ThinWithAllFlags) {
  auto lbp = parse_logical_block_provisioning(page(0xb2, {0x0c, 0xfe, 0x52, 0x30}));
  ASSERT_TRUE(lbp);
  EXPECT_EQ(lbp->threshold_exponent, 0x0c);
  EXPECT_EQ(lbp->lbpu, true);
  EXPECT_EQ(lbp->lbpws, true);
  EXPECT_EQ(lbp->lbpws10, true);
  EXPECT_EQ(lbp->lbprz, 7);
  EXPECT_EQ(lbp->anc_sup, true);
  EXPECT_EQ(lbp->dp, false);
  EXPECT_EQ(lbp->minimum_percentage, 0x0a);
  EXPECT_EQ(lbp->provisioning_type, kProvisioningThin);
  EXPECT_EQ(lbp->threshold_percentage, 0x30);
  EXPECT_TRUE(lbp->provisioning_group_descriptor.empty());
  EXPECT_FALSE(lbp->truncated);
}

TEST(LogicalBlockProvisioning, SingleFlags) {
  struct Case {
    uint8_t byte5;
    bool lbpu, lbpws, lbpws10;
    uint8_t lbprz;
    bool anc, dp;
  } cases[] = {
      {0x80, true, false, false, 0, false, false},
      {0x40, false, true, false, 0, false, false},
      {0x20, false, false, true, 0, false, false},
      {0x04, false, false, false, 1, false, false},
      {0x08, false, false, false, 2, false, false},
      {0x02, false, false, false, 0, true, false},
  };
  for (const auto& c : cases) {
    auto lbp = parse_logical_block_provisioning(page(0xb2, {0, c.byte5, 0x01, 0}));
    ASSERT_TRUE(lbp);
    EXPECT_EQ(lbp->lbpu, c.lbpu) << int(c.byte5);
    EXPECT_EQ(lbp->lbpws, c.lbpws) << int(c.byte5);
    EXPECT_EQ(lbp->lbpws10, c.lbpws10) << int(c.byte5);
    EXPECT_EQ(lbp->lbprz, c.lbprz) << int(c.byte5);
    EXPECT_EQ(lbp->anc_sup, c.anc) << int(c.byte5);
    EXPECT_EQ(lbp->dp, c.dp) << int(c.byte5);
    EXPECT_EQ(lbp->provisioning_type, kProvisioningResource);
  }
}

TEST(LogicalBlockProvisioning, ProvisioningGroupDescriptor) {
  Bytes payload{0, 0x01, 0x02, 0};
  Bytes desc{0x01, 0x03, 0x00, 0x08, 0x60, 1, 2, 3, 4, 5, 6, 7};
  payload.insert(payload.end(), desc.begin(), desc.end());
  Bytes p = page(0xb2, payload);  // the descriptor span points into it
  auto lbp = parse_logical_block_provisioning(p);
  ASSERT_TRUE(lbp);
  EXPECT_EQ(lbp->dp, true);
  EXPECT_EQ(Bytes(lbp->provisioning_group_descriptor.begin(),
                  lbp->provisioning_group_descriptor.end()),
            desc);
  EXPECT_FALSE(lbp->truncated);
}

TEST(LogicalBlockProvisioning, DescriptorLongerThanPage) {
  Bytes payload{0, 0x01, 0x02, 0, 0x01, 0x03, 0x00, 0x08, 0x60, 1};
  auto lbp = parse_logical_block_provisioning(page(0xb2, payload));
  ASSERT_TRUE(lbp);
  EXPECT_TRUE(lbp->provisioning_group_descriptor.empty());
  EXPECT_TRUE(lbp->truncated);
}

TEST(LogicalBlockProvisioning, DescriptorIgnoredWithoutDp) {
  Bytes payload{0, 0x00, 0x02, 0, 0x01, 0x03, 0x00, 0x00};
  auto lbp = parse_logical_block_provisioning(page(0xb2, payload));
  ASSERT_TRUE(lbp);
  EXPECT_TRUE(lbp->provisioning_group_descriptor.empty());
}

TEST(LogicalBlockProvisioning, TruncatedAfterFlags) {
  Bytes p = page(0xb2, {0x0c, 0xe0, 0x02, 0x30});
  p.resize(6);
  auto lbp = parse_logical_block_provisioning(p);
  ASSERT_TRUE(lbp);
  EXPECT_EQ(lbp->lbpu, true);
  EXPECT_FALSE(lbp->provisioning_type);
  EXPECT_FALSE(lbp->threshold_percentage);
  EXPECT_TRUE(lbp->truncated);
}

TEST(LogicalBlockProvisioning, HeaderOnly) {
  auto lbp = parse_logical_block_provisioning(with_length(page(0xb2, {}), 4));
  ASSERT_TRUE(lbp);
  EXPECT_FALSE(lbp->threshold_exponent);
  EXPECT_FALSE(lbp->lbpu);
  EXPECT_TRUE(lbp->truncated);
}

TEST(LogicalBlockProvisioning, WrongPage) {
  EXPECT_FALSE(parse_logical_block_provisioning(page(0xb0, {0, 0, 0, 0})));
}

}  // namespace
}  // namespace scsi_probe
