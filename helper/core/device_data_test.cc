#include "device_data.h"

#include <gtest/gtest.h>

#include <scsi/sg_lib.h>

namespace scsi_probe {
namespace {

std::vector<uint8_t> page0_listing(std::vector<uint8_t> pages) {
  pages.insert(pages.begin(), {0, 0, 0, static_cast<uint8_t>(pages.size())});
  return pages;
}

// Only a device's own "no such page" counts as rejected; an error of the
// device or the path leaves the page unknown.
TEST(DeviceData, VpdReadOutcomes) {
  EXPECT_EQ(classify_vpd_read(true, true, SG_LIB_CAT_CLEAN), VpdRead::kPage);
  EXPECT_EQ(classify_vpd_read(true, false, SG_LIB_CAT_CLEAN), VpdRead::kRejected);
  EXPECT_EQ(classify_vpd_read(false, false, SG_LIB_CAT_ILLEGAL_REQ), VpdRead::kRejected);
  EXPECT_EQ(classify_vpd_read(false, false, SG_LIB_CAT_INVALID_OP), VpdRead::kRejected);
  for (int cat : {SG_LIB_CAT_MEDIUM_HARD, SG_LIB_CAT_ABORTED_COMMAND, SG_LIB_CAT_TIMEOUT,
                  SG_LIB_CAT_UNIT_ATTENTION, SG_LIB_CAT_NOT_READY, SG_LIB_CAT_OTHER})
    EXPECT_EQ(classify_vpd_read(false, false, cat), VpdRead::kUnreadable) << cat;
}

TEST(DeviceData, ARetryThatAnswersReplacesAnUnreadablePage) {
  DeviceData d;
  record_vpd_read(d, 0x83, VpdRead::kUnreadable, {});
  EXPECT_EQ(d.page(0x83), nullptr);
  EXPECT_TRUE(d.unreadable.count(0x83));
  record_vpd_read(d, 0x83, VpdRead::kPage, {0, 0x83, 0, 0});
  ASSERT_NE(d.page(0x83), nullptr);
  EXPECT_FALSE(d.unreadable.count(0x83));
  record_vpd_read(d, 0x80, VpdRead::kRejected, {1, 2});
  ASSERT_NE(d.page(0x80), nullptr);
  EXPECT_TRUE(d.page(0x80)->empty());
}

TEST(DeviceData, AttributeNamesFollowTheKernel) {
  EXPECT_EQ(vpd_attribute_name(0x00), "vpd_pg0");
  EXPECT_EQ(vpd_attribute_name(0x80), "vpd_pg80");
  EXPECT_EQ(vpd_attribute_name(0xb2), "vpd_pgb2");
}

TEST(DeviceData, NoVpdCommandWhenTheKernelReadNone) {
  DeviceData d;
  std::vector<uint8_t> wanted{0x80, 0x83};
  auto f = plan_vpd_fetches(d, wanted);
  EXPECT_TRUE(f.pages.empty());
  EXPECT_NE(f.reason.find("no VPD page 0"), std::string::npos);
  d.kernel_flags = kBlistSkipVpdPages;
  EXPECT_NE(plan_vpd_fetches(d, wanted).reason.find("SKIP_VPD_PAGES"), std::string::npos);
}

TEST(DeviceData, NothingToFetchWhenCached) {
  DeviceData d;
  d.vpd[0x00] = page0_listing({0x00, 0x80, 0x83});
  d.vpd[0x80] = {0, 0x80, 0, 0};
  d.vpd[0x83] = {0, 0x83, 0, 0};
  std::vector<uint8_t> wanted{0x00, 0x80, 0x83};
  auto f = plan_vpd_fetches(d, wanted);
  EXPECT_TRUE(f.pages.empty());
  EXPECT_EQ(f.reason, "kernel cache complete");
}

TEST(DeviceData, FetchesOnlyListedPagesTheKernelLacks) {
  DeviceData d;
  d.vpd[0x00] = page0_listing({0x00, 0x80, 0x83, 0x86});
  d.vpd[0x83] = {0, 0x83, 0, 0};
  std::vector<uint8_t> wanted{0x80, 0x83, 0x86, 0x89};
  auto f = plan_vpd_fetches(d, wanted);
  EXPECT_EQ(f.pages, (std::vector<uint8_t>{0x80, 0x86}));
  EXPECT_NE(f.reason.find("0x80,0x86"), std::string::npos);
}

TEST(DeviceData, KernelCachedPages) {
  for (int p = 0; p < 256; ++p) {
    bool cached = p == 0 || p == 0x80 || p == 0x83 || p == 0x89 || p == 0xb0 || p == 0xb1 ||
                  p == 0xb2;
    EXPECT_EQ(kernel_caches_vpd_page(static_cast<uint8_t>(p)), cached) << p;
  }
}

}  // namespace
TEST(InquirySource, RawCopyWhereThePatchedKernelKeepsOneOfFiveBytesOrMore) {
  const std::vector<uint8_t> raw(36, 0x20), five(5, 0), four(4, 0);
  EXPECT_EQ(choose_inquiry_source(raw, true), InquirySource::kKernelRawCopy);
  EXPECT_EQ(choose_inquiry_source(raw, false), InquirySource::kKernelRawCopy);
  EXPECT_EQ(choose_inquiry_source(five, true), InquirySource::kKernelRawCopy);
  // Too short to stand for an answer: as without the attribute.
  EXPECT_EQ(choose_inquiry_source(four, true), InquirySource::kDevice);
  EXPECT_EQ(choose_inquiry_source(std::vector<uint8_t>{}, false), InquirySource::kKernelSanitizedCopy);
}

TEST(InquirySource, WithoutInquiryRawTheDeviceIsAskedUnlessNoCommandMayBeSent) {
  EXPECT_EQ(choose_inquiry_source(std::nullopt, true), InquirySource::kDevice);
  EXPECT_EQ(choose_inquiry_source(std::nullopt, false), InquirySource::kKernelSanitizedCopy);
}

TEST(InquirySource, UsableFromTheAdditionalLengthOn) {
  EXPECT_FALSE(usable_inquiry({}));
  EXPECT_FALSE(usable_inquiry(std::vector<uint8_t>(4, 0)));
  EXPECT_TRUE(usable_inquiry(std::vector<uint8_t>(5, 0)));
}

TEST(InquirySource, EachSourceNamesItsAttribute) {
  EXPECT_NE(inquiry_source_text(InquirySource::kKernelRawCopy).find("inquiry_raw"), std::string_view::npos);
  EXPECT_NE(inquiry_source_text(InquirySource::kDevice).find("device"), std::string_view::npos);
  EXPECT_NE(inquiry_source_text(InquirySource::kKernelSanitizedCopy).find("sanitized"), std::string_view::npos);
}

}  // namespace scsi_probe
