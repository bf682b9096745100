#include "cdb.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

TEST(Cdb, StandardInquiryClearsPageCode) {
  auto c = inquiry_cdb(false, 0x83, 36);
  EXPECT_EQ(c, (std::array<uint8_t, 6>{0x12, 0, 0, 0, 36, 0}));
}

TEST(Cdb, VpdInquiryCarriesPageAndBigEndianLength) {
  auto c = inquiry_cdb(true, 0x83, 0x1234);
  EXPECT_EQ(c, (std::array<uint8_t, 6>{0x12, 1, 0x83, 0x12, 0x34, 0}));
}

TEST(Cdb, ReportLunsLengthIsBigEndian32) {
  auto c = report_luns_cdb(2, 0x00020010);
  EXPECT_EQ(c[0], 0xa0);
  EXPECT_EQ(c[2], 2);
  EXPECT_EQ(c[6], 0x00);
  EXPECT_EQ(c[7], 0x02);
  EXPECT_EQ(c[8], 0x00);
  EXPECT_EQ(c[9], 0x10);
  EXPECT_EQ(c[11], 0);
}

}  // namespace
}  // namespace scsi_probe
