#include "report_luns.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace scsi_probe {
namespace {

std::vector<uint8_t> report(uint32_t list_length, const std::vector<ScsiLun>& luns) {
  std::vector<uint8_t> data = {static_cast<uint8_t>(list_length >> 24),
                               static_cast<uint8_t>(list_length >> 16),
                               static_cast<uint8_t>(list_length >> 8),
                               static_cast<uint8_t>(list_length), 0, 0, 0, 0};
  for (const ScsiLun& lun : luns) data.insert(data.end(), lun.begin(), lun.end());
  return data;
}

ScsiLun single(uint8_t b0, uint8_t b1) { return {b0, b1, 0, 0, 0, 0, 0, 0}; }

// --- parse_report_luns ----------------------------------------------------

TEST(ParseReportLuns, NeedsTheListLength) {
  EXPECT_FALSE(parse_report_luns({}).has_value());
  const std::vector<uint8_t> three = {0, 0, 0};
  EXPECT_FALSE(parse_report_luns(three).has_value());
}

TEST(ParseReportLuns, LengthOnlyHeader) {
  const std::vector<uint8_t> four = {0, 0, 0, 16};
  auto list = parse_report_luns(four);
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->list_length, 16u);
  EXPECT_TRUE(list->luns.empty());
  EXPECT_TRUE(list->truncated);
  EXPECT_EQ(list->complete_size(), 24u);
}

TEST(ParseReportLuns, EmptyList) {
  auto list = parse_report_luns(report(0, {}));
  ASSERT_TRUE(list.has_value());
  EXPECT_TRUE(list->luns.empty());
  EXPECT_FALSE(list->truncated);
}

TEST(ParseReportLuns, EntriesInDeviceOrder) {
  const std::vector<ScsiLun> luns = {single(0, 2), single(0, 0), single(0x41, 0x00)};
  auto list = parse_report_luns(report(24, luns));
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->luns, luns);
  EXPECT_FALSE(list->truncated);
}

// A target with 16,384 LUNs answering into the kernel's first 512-entry
// buffer (scsi_report_lun_scan allocates 511 + 1 entries).
TEST(ParseReportLuns, ClaimLongerThanDataKeepsCompleteEntries) {
  std::vector<ScsiLun> luns;
  for (int i = 0; i < 511; ++i) luns.push_back(scsilun_from_linux_lun(0x4000u | i));
  auto list = parse_report_luns(report(16384 * 8, luns));
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->list_length, 16384u * 8);
  EXPECT_EQ(list->luns.size(), 511u);
  EXPECT_TRUE(list->truncated);
  EXPECT_EQ(list->complete_size(), 16384u * 8 + 8);
}

TEST(ParseReportLuns, PartialEntryDropped) {
  const auto data = report(16, {single(0, 1), single(0, 2)});
  auto list = parse_report_luns(std::span(data).first(data.size() - 3));
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->luns.size(), 1u);
  EXPECT_EQ(list->luns[0], single(0, 1));
  EXPECT_TRUE(list->truncated);
}

TEST(ParseReportLuns, ClaimShorterThanDataIgnoresTheRest) {
  auto list = parse_report_luns(report(8, {single(0, 1), single(0, 2), single(0, 3)}));
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->luns.size(), 1u);
  EXPECT_FALSE(list->truncated);
}

// scsi_report_lun_scan: num_luns = length / sizeof(struct scsi_lun).
TEST(ParseReportLuns, LengthNotMultipleOfEightCountsWholeEntries) {
  auto list = parse_report_luns(report(13, {single(0, 1), single(0, 2)}));
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->luns.size(), 1u);
  EXPECT_FALSE(list->truncated);
}

TEST(ParseReportLuns, HugeClaimDoesNotOverflow) {
  auto list = parse_report_luns(report(0xffffffff, {single(0, 1)}));
  ASSERT_TRUE(list.has_value());
  EXPECT_EQ(list->luns.size(), 1u);
  EXPECT_TRUE(list->truncated);
  EXPECT_EQ(list->complete_size(), 0xffffffffull + 8);
}

TEST(ParseReportLuns, HeaderCutShort) {
  const std::vector<uint8_t> six = {0, 0, 0, 8, 0, 0};
  auto list = parse_report_luns(six);
  ASSERT_TRUE(list.has_value());
  EXPECT_TRUE(list->luns.empty());
  EXPECT_TRUE(list->truncated);
}

// --- report_luns_retry_allocation (scsi_report_lun_scan's "goto retry") ----

TEST(ReportLunsRetry, GrowsToTheClaim) {
  ReportLunsList list;
  list.list_length = 16384 * 8;
  EXPECT_EQ(report_luns_retry_allocation(list, 512 * 8, 1 << 20), 16384u * 8 + 8);
}

TEST(ReportLunsRetry, CappedByTheCaller) {
  ReportLunsList list;
  list.list_length = 16384 * 8;
  EXPECT_EQ(report_luns_retry_allocation(list, 4096, 65536), 65536u);
  EXPECT_FALSE(report_luns_retry_allocation(list, 65536, 65536).has_value());
}

TEST(ReportLunsRetry, NoRetryWhenTheClaimFit) {
  ReportLunsList list;
  list.list_length = 4088;
  EXPECT_FALSE(report_luns_retry_allocation(list, 4096, 1 << 20).has_value());
  list.list_length = 4089;
  EXPECT_EQ(report_luns_retry_allocation(list, 4096, 1 << 20), 4097u);
}

TEST(ReportLunsRetry, ClaimBeyondUint32IsCapped) {
  ReportLunsList list;
  list.list_length = 0xffffffff;
  EXPECT_EQ(report_luns_retry_allocation(list, 4096, 0xffffffff), 0xffffffffu);
}

// --- scsilun_to_int / int_to_scsilun ---------------------------------------

TEST(LinuxLun, PeripheralSingleLevel) {
  for (unsigned n = 0; n < 256; ++n) {
    EXPECT_EQ(linux_lun_from_scsilun(single(0, static_cast<uint8_t>(n))), n);
  }
}

// Flat space LUN n is 0x4000 | n in the first level: flat LUN 256 = 41 00,
// Linux 16640; the last flat LUN 16383 = 7F FF, Linux 32767.
TEST(LinuxLun, FlatSpace) {
  EXPECT_EQ(linux_lun_from_scsilun(single(0x41, 0x00)), 16640u);
  EXPECT_EQ(linux_lun_from_scsilun(single(0x40, 0x00)), 16384u);
  EXPECT_EQ(linux_lun_from_scsilun(single(0x40, 0xff)), 16639u);
  EXPECT_EQ(linux_lun_from_scsilun(single(0x7f, 0xff)), 32767u);
  for (unsigned n = 0; n < 16384; ++n) {
    const ScsiLun lun = single(static_cast<uint8_t>(0x40 | (n >> 8)), static_cast<uint8_t>(n));
    EXPECT_EQ(linux_lun_from_scsilun(lun), 0x4000u + n);
    EXPECT_EQ(scsilun_from_linux_lun(0x4000u + n), lun);
  }
}

TEST(LinuxLun, ReportLunsWellKnownLun) {
  EXPECT_EQ(linux_lun_from_scsilun(single(0xc1, 0x01)), 49409u);
  EXPECT_EQ(kReportLunsWellKnownLun, 49409u);
  EXPECT_EQ(scsilun_from_linux_lun(49409), single(0xc1, 0x01));
}

// The example in the kernel's scsilun_to_int comment.
TEST(LinuxLun, KernelCommentExample) {
  const ScsiLun lun = {0x0a, 0x04, 0x0b, 0x03, 0, 0, 0, 0};
  EXPECT_EQ(linux_lun_from_scsilun(lun), 0x0b030a04u);
  EXPECT_EQ(scsilun_from_linux_lun(0x0b030a04u), lun);
}

TEST(LinuxLun, AllEightBytesSwizzledByLevel) {
  const ScsiLun lun = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  EXPECT_EQ(linux_lun_from_scsilun(lun), 0x0708050603040102ull);
  EXPECT_EQ(scsilun_from_linux_lun(0x0708050603040102ull), lun);
  const ScsiLun all = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(linux_lun_from_scsilun(all), ~0ull);
}

TEST(LinuxLun, EachByteLandsInItsOwnPlace) {
  for (std::size_t byte = 0; byte < 8; ++byte) {
    ScsiLun lun{};
    lun[byte] = 0x80;
    const unsigned shift = static_cast<unsigned>((byte / 2) * 16 + (byte % 2 == 0 ? 8 : 0));
    EXPECT_EQ(linux_lun_from_scsilun(lun), 0x80ull << shift) << "byte " << byte;
  }
}

TEST(LinuxLun, RoundTripRandom) {
  std::mt19937_64 rng(20081);
  for (int i = 0; i < 10000; ++i) {
    const uint64_t value = rng();
    EXPECT_EQ(linux_lun_from_scsilun(scsilun_from_linux_lun(value)), value);
    ScsiLun lun;
    for (auto& b : lun) b = static_cast<uint8_t>(rng());
    EXPECT_EQ(scsilun_from_linux_lun(linux_lun_from_scsilun(lun)), lun);
  }
}

// scsi_is_wlun looks at the first level only.
TEST(KernelIsWlun, FirstLevelC1) {
  EXPECT_TRUE(kernel_is_wlun(0xc101));
  EXPECT_TRUE(kernel_is_wlun(0xc100));
  EXPECT_TRUE(kernel_is_wlun(0xc1ff));
  EXPECT_TRUE(kernel_is_wlun(0x12340000c101ull));
  EXPECT_FALSE(kernel_is_wlun(0));
  EXPECT_FALSE(kernel_is_wlun(0xc001));
  EXPECT_FALSE(kernel_is_wlun(0xc201));
  EXPECT_FALSE(kernel_is_wlun(0x4100));
  EXPECT_FALSE(kernel_is_wlun(0xc1010000ull));
}

// --- decode_lun (expected values from sg_luns --test=... of sg3_utils 1.46) -

TEST(DecodeLun, PeripheralLun) {
  const DecodedLun d = decode_lun(single(0, 1));
  ASSERT_EQ(d.levels.size(), 1u);
  EXPECT_EQ(d.levels[0].method, LunAddressMethod::kPeripheral);
  EXPECT_EQ(d.levels[0].lun, 1u);
  EXPECT_FALSE(d.levels[0].continues);
  EXPECT_FALSE(d.trailing_data);
  EXPECT_FALSE(d.well_known.has_value());
  EXPECT_EQ(describe_lun(single(0, 1)), "LUN 1");
  EXPECT_EQ(describe_lun(single(0, 0)), "LUN 0");
}

TEST(DecodeLun, FlatSpace) {
  const DecodedLun d = decode_lun(single(0x41, 0x00));
  ASSERT_EQ(d.levels.size(), 1u);
  EXPECT_EQ(d.levels[0].method, LunAddressMethod::kFlat);
  EXPECT_EQ(d.levels[0].lun, 256u);
  EXPECT_EQ(describe_lun(single(0x41, 0x00)), "flat space LUN 256");
  EXPECT_EQ(decode_lun(single(0x7f, 0xff)).levels[0].lun, 16383u);
}

// sg_luns --test=8123: bus_id=1, target=1, lun=3.
TEST(DecodeLun, LogicalUnitAddressing) {
  const DecodedLun d = decode_lun(single(0x81, 0x23));
  ASSERT_EQ(d.levels.size(), 1u);
  EXPECT_EQ(d.levels[0].method, LunAddressMethod::kLogicalUnit);
  EXPECT_EQ(d.levels[0].target, 1u);
  EXPECT_EQ(d.levels[0].bus, 1u);
  EXPECT_EQ(d.levels[0].lun, 3u);
  EXPECT_EQ(describe_lun(single(0x81, 0x23)), "target 1 bus 1 LUN 3");
  const DecodedLun max = decode_lun(single(0xbf, 0xff));
  EXPECT_EQ(max.levels[0].target, 63u);
  EXPECT_EQ(max.levels[0].bus, 7u);
  EXPECT_EQ(max.levels[0].lun, 31u);
}

// sg_luns --test=0a040b0300000000: two bus/target levels, then LUN 0.
TEST(DecodeLun, HierarchicalPeripheral) {
  const ScsiLun lun = {0x0a, 0x04, 0x0b, 0x03, 0, 0, 0, 0};
  const DecodedLun d = decode_lun(lun);
  ASSERT_EQ(d.levels.size(), 3u);
  EXPECT_EQ(d.levels[0].bus, 10u);
  EXPECT_EQ(d.levels[0].target, 4u);
  EXPECT_TRUE(d.levels[0].continues);
  EXPECT_EQ(d.levels[1].bus, 11u);
  EXPECT_EQ(d.levels[1].target, 3u);
  EXPECT_EQ(d.levels[1].offset, 2u);
  EXPECT_EQ(d.levels[2].lun, 0u);
  EXPECT_FALSE(d.trailing_data);
  EXPECT_EQ(describe_lun(lun), "bus 10 target 4 / bus 11 target 3 / LUN 0");
}

TEST(DecodeLun, FourContinuingLevelsStopAtTheEnd) {
  const ScsiLun lun = {0x01, 0x01, 0x02, 0x02, 0x03, 0x03, 0x04, 0x04};
  const DecodedLun d = decode_lun(lun);
  ASSERT_EQ(d.levels.size(), 4u);
  EXPECT_TRUE(d.levels[3].continues);
  EXPECT_EQ(d.levels[3].bus, 4u);
  EXPECT_FALSE(d.trailing_data);
}

// sg_luns --test=81234567 reports data after the last level.
TEST(DecodeLun, TrailingDataAfterFinalLevel) {
  const ScsiLun lun = {0x81, 0x23, 0x45, 0x67, 0, 0, 0, 0};
  const DecodedLun d = decode_lun(lun);
  ASSERT_EQ(d.levels.size(), 1u);
  EXPECT_TRUE(d.trailing_data);
  EXPECT_EQ(describe_lun(lun), "target 1 bus 1 LUN 3 (unexpected data after the last level)");
  EXPECT_TRUE(decode_lun({0, 1, 0, 0, 0, 0, 0, 1}).trailing_data);
}

TEST(DecodeLun, WellKnownLuns) {
  const ScsiLun report_luns = single(0xc1, 0x01);
  const DecodedLun d = decode_lun(report_luns);
  ASSERT_EQ(d.levels.size(), 1u);
  EXPECT_EQ(d.levels[0].method, LunAddressMethod::kExtended);
  EXPECT_EQ(d.levels[0].extended, ExtendedLunFormat::kWellKnown);
  EXPECT_EQ(d.levels[0].length, 2u);
  ASSERT_TRUE(d.well_known.has_value());
  EXPECT_EQ(*d.well_known, 0x01);
  EXPECT_EQ(describe_lun(report_luns), "well-known LUN 0x01 (REPORT LUNS)");
  EXPECT_EQ(describe_lun(single(0xc1, 0x02)), "well-known LUN 0x02 (ACCESS CONTROLS)");
  EXPECT_EQ(describe_lun(single(0xc1, 0x03)), "well-known LUN 0x03 (TARGET LOG PAGES)");
  EXPECT_EQ(describe_lun(single(0xc1, 0x04)), "well-known LUN 0x04 (SECURITY PROTOCOL)");
  EXPECT_EQ(describe_lun(single(0xc1, 0x05)), "well-known LUN 0x05 (MANAGEMENT PROTOCOL)");
  EXPECT_EQ(describe_lun(single(0xc1, 0x06)), "well-known LUN 0x06 (TARGET COMMANDS)");
  EXPECT_EQ(describe_lun(single(0xc1, 0x50)), "well-known LUN 0x50");
  EXPECT_EQ(describe_lun(single(0xc1, 0x00)), "well-known LUN 0x00");
  EXPECT_TRUE(well_known_lun_name(0x07).empty());
}

// sg_luns --test=D2123456: extended flat space, lun=1193046.
TEST(DecodeLun, ExtendedFlatSpace) {
  const ScsiLun lun = {0xd2, 0x12, 0x34, 0x56, 0, 0, 0, 0};
  const DecodedLun d = decode_lun(lun);
  ASSERT_EQ(d.levels.size(), 1u);
  EXPECT_EQ(d.levels[0].extended, ExtendedLunFormat::kExtendedFlat);
  EXPECT_EQ(d.levels[0].length, 4u);
  EXPECT_EQ(d.levels[0].lun, 1193046u);
  EXPECT_FALSE(d.trailing_data);
  EXPECT_EQ(describe_lun(lun), "extended flat space LUN 1193046");
}

// sg_luns --test=E212345678AB: long extended flat space, lun=78187493547.
TEST(DecodeLun, LongExtendedFlatSpace) {
  const ScsiLun lun = {0xe2, 0x12, 0x34, 0x56, 0x78, 0xab, 0, 0};
  const DecodedLun d = decode_lun(lun);
  ASSERT_EQ(d.levels.size(), 1u);
  EXPECT_EQ(d.levels[0].extended, ExtendedLunFormat::kLongExtendedFlat);
  EXPECT_EQ(d.levels[0].length, 6u);
  EXPECT_EQ(d.levels[0].lun, 78187493547ull);
  EXPECT_EQ(describe_lun(lun), "long extended flat space LUN 78187493547");
  const ScsiLun with_tail = {0xe2, 0, 0, 0, 0, 1, 0, 9};
  EXPECT_TRUE(decode_lun(with_tail).trailing_data);
}

TEST(DecodeLun, LogicalUnitNotSpecified) {
  const ScsiLun lun = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  const DecodedLun d = decode_lun(lun);
  ASSERT_EQ(d.levels.size(), 1u);
  EXPECT_EQ(d.levels[0].extended, ExtendedLunFormat::kNotSpecified);
  EXPECT_EQ(d.levels[0].length, 8u);
  EXPECT_EQ(describe_lun(lun), "logical unit not specified");
  const ScsiLun almost = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};
  EXPECT_EQ(decode_lun(almost).levels[0].extended, ExtendedLunFormat::kReserved);
}

// sg_luns --test=E4 / D0 / C2 / F2: reserved extended combinations.
TEST(DecodeLun, ReservedExtendedFormats) {
  EXPECT_EQ(decode_lun(single(0xe4, 0)).levels[0].extended, ExtendedLunFormat::kReserved);
  EXPECT_EQ(decode_lun(single(0xe4, 0)).levels[0].length, 6u);
  EXPECT_EQ(decode_lun(single(0xd0, 0)).levels[0].extended, ExtendedLunFormat::kReserved);
  EXPECT_EQ(decode_lun(single(0xc2, 0)).levels[0].extended, ExtendedLunFormat::kReserved);
  EXPECT_EQ(decode_lun(single(0xf2, 0)).levels[0].extended, ExtendedLunFormat::kReserved);
  EXPECT_EQ(decode_lun(single(0xd1, 0)).levels[0].extended, ExtendedLunFormat::kReserved);
  EXPECT_FALSE(decode_lun(single(0xd1, 0)).well_known.has_value());
  EXPECT_EQ(describe_lun(single(0xe4, 0)), "extended addressing, length 6, method 0x04 (reserved)");
}

// An extended level after hierarchical levels that claims more bytes than
// are left is cut to what is there and never read past the LUN.
TEST(DecodeLun, ExtendedLevelLongerThanTheRest) {
  const ScsiLun lun = {0x01, 0x01, 0x02, 0x02, 0x03, 0x03, 0xe2, 0x05};
  const DecodedLun d = decode_lun(lun);
  ASSERT_EQ(d.levels.size(), 4u);
  EXPECT_EQ(d.levels[3].method, LunAddressMethod::kExtended);
  EXPECT_EQ(d.levels[3].length, 2u);
  EXPECT_EQ(d.levels[3].extended, ExtendedLunFormat::kReserved);
  EXPECT_EQ(d.levels[3].lun, 5u);
}

TEST(DecodeLun, EveryFirstByteDecodesWithinBounds) {
  for (unsigned b0 = 0; b0 < 256; ++b0) {
    for (unsigned b7 : {0u, 0xffu}) {
      const ScsiLun lun = {static_cast<uint8_t>(b0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                           static_cast<uint8_t>(b7)};
      const DecodedLun d = decode_lun(lun);
      ASSERT_FALSE(d.levels.empty());
      std::size_t end = 0;
      for (const LunLevel& level : d.levels) end = level.offset + level.length;
      EXPECT_LE(end, 8u);
      EXPECT_FALSE(describe_lun(lun).empty());
    }
  }
}

}  // namespace
}  // namespace scsi_probe
