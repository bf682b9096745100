#include "device_data.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

std::vector<uint8_t> page0_listing(std::vector<uint8_t> pages) {
  pages.insert(pages.begin(), {0, 0, 0, static_cast<uint8_t>(pages.size())});
  return pages;
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
}  // namespace scsi_probe
