#include "inquiry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace scsi_probe {
namespace {

using Bytes = std::vector<uint8_t>;

// 36 bytes of standard INQUIRY data with every flag clear.
Bytes inquiry_data(const std::string& vendor = "VENDOR  ",
                   const std::string& model = "MODEL           ",
                   const std::string& revision = "0001") {
  Bytes b(8, 0);
  b[2] = 0x06;
  b[3] = 0x02;
  b[4] = 31;
  for (const std::string* s : {&vendor, &model, &revision}) b.insert(b.end(), s->begin(), s->end());
  return b;
}

Bytes prefix(const Bytes& b, std::size_t n) { return Bytes(b.begin(), b.begin() + n); }

TEST(StandardInquiry, EmptyIsNothing) {
  EXPECT_FALSE(parse_standard_inquiry({}).has_value());
}

TEST(StandardInquiry, PlainDisk) {
  Bytes b = inquiry_data();
  auto inq = parse_standard_inquiry(b);
  ASSERT_TRUE(inq);
  EXPECT_EQ(inq->available, 36u);
  EXPECT_EQ(inq->qualifier, 0);
  EXPECT_EQ(inq->device_type, 0);
  EXPECT_FALSE(inq->removable);
  EXPECT_EQ(inq->version, 6);
  EXPECT_EQ(inq->response_format, 2);
  EXPECT_EQ(inq->additional_length, 31);
  EXPECT_EQ(inq->tpgs, 0);
  EXPECT_EQ(inq->vendor, "VENDOR  ");
  EXPECT_EQ(inq->model, "MODEL           ");
  EXPECT_EQ(inq->revision, "0001");
}

TEST(StandardInquiry, QualifierAndType) {
  for (int qualifier = 0; qualifier < 8; ++qualifier)
    for (int type = 0; type < 32; ++type) {
      Bytes b = inquiry_data();
      b[0] = uint8_t(qualifier << 5 | type);
      auto inq = parse_standard_inquiry(b);
      ASSERT_TRUE(inq);
      EXPECT_EQ(inq->qualifier, qualifier);
      EXPECT_EQ(inq->device_type, type);
    }
}

TEST(StandardInquiry, EveryFlagAlone) {
  struct Flag {
    std::size_t byte;
    uint8_t mask;
    bool StandardInquiry::*field;
  } flags[] = {
      {1, 0x80, &StandardInquiry::removable}, {3, 0x20, &StandardInquiry::normaca},
      {3, 0x10, &StandardInquiry::hisup},     {5, 0x80, &StandardInquiry::sccs},
      {5, 0x40, &StandardInquiry::acc},       {5, 0x08, &StandardInquiry::three_pc},
      {5, 0x01, &StandardInquiry::protect},   {6, 0x40, &StandardInquiry::encserv},
      {6, 0x10, &StandardInquiry::multip},    {7, 0x02, &StandardInquiry::cmdque},
  };
  for (const auto& set : flags) {
    Bytes b = inquiry_data();
    b[set.byte] |= set.mask;
    auto inq = parse_standard_inquiry(b);
    ASSERT_TRUE(inq);
    for (const auto& f : flags)
      EXPECT_EQ((*inq).*(f.field), &f == &set) << "byte " << f.byte << " mask " << int(f.mask)
                                               << " with byte " << set.byte << " mask "
                                               << int(set.mask) << " set";
  }
}

TEST(StandardInquiry, OtherBitsDoNotLeakIntoFlags) {
  Bytes b = inquiry_data();
  b[1] = 0x7f;                 // all but RMB
  b[3] = 0xc2;                 // obsolete bits and format 2
  b[5] = 0x36;                 // TPGS 3 and reserved bits
  b[6] = 0xaf;                 // all but ENCSERV and MULTIP
  b[7] = 0xfd;                 // all but CMDQUE
  auto inq = parse_standard_inquiry(b);
  ASSERT_TRUE(inq);
  EXPECT_FALSE(inq->removable);
  EXPECT_FALSE(inq->normaca);
  EXPECT_FALSE(inq->hisup);
  EXPECT_EQ(inq->response_format, 2);
  EXPECT_EQ(inq->tpgs, 3);
  EXPECT_FALSE(inq->sccs || inq->acc || inq->three_pc || inq->protect);
  EXPECT_FALSE(inq->encserv || inq->multip || inq->cmdque);
}

TEST(StandardInquiry, Tpgs) {
  for (int tpgs = 0; tpgs < 4; ++tpgs) {
    Bytes b = inquiry_data();
    b[5] = uint8_t(tpgs << 4);
    auto inq = parse_standard_inquiry(b);
    ASSERT_TRUE(inq);
    EXPECT_EQ(inq->tpgs, tpgs);
  }
}

TEST(StandardInquiry, VersionAndFormatAreWholeFields) {
  Bytes b = inquiry_data();
  b[2] = 0x83;
  b[3] = 0x0f;
  auto inq = parse_standard_inquiry(b);
  ASSERT_TRUE(inq);
  EXPECT_EQ(inq->version, 0x83);
  EXPECT_EQ(inq->response_format, 0x0f);
}

TEST(StandardInquiry, FieldsKeepTheirBytes) {
  std::string vendor("A\0B \t\xff\"=", 8);
  std::string model("\x01model\nwith\rctl\x7f", 16);
  std::string revision("\0\0\0\0", 4);
  Bytes b = inquiry_data(vendor, model, revision);
  auto inq = parse_standard_inquiry(b);
  ASSERT_TRUE(inq);
  EXPECT_EQ(inq->vendor, vendor);
  EXPECT_EQ(inq->model, model);
  EXPECT_EQ(inq->revision, revision);
}

TEST(StandardInquiry, EveryTruncation) {
  Bytes full = inquiry_data();
  full[0] = 0x25;
  full[1] = 0x80;
  full[5] = 0x10;
  full[7] = 0x02;
  for (std::size_t n = 1; n <= full.size(); ++n) {
    auto inq = parse_standard_inquiry(prefix(full, n));
    ASSERT_TRUE(inq) << n;
    EXPECT_EQ(inq->available, n);
    EXPECT_EQ(inq->qualifier, 1);
    EXPECT_EQ(inq->device_type, 5);
    EXPECT_EQ(inq->removable, n > 1);
    EXPECT_EQ(inq->version, n > 2 ? 6 : 0);
    EXPECT_EQ(inq->response_format, n > 3 ? 2 : 0);
    EXPECT_EQ(inq->additional_length, n > 4 ? 31 : 0);
    EXPECT_EQ(inq->tpgs, n > 5 ? 1 : 0);
    EXPECT_EQ(inq->cmdque, n > 7);
    EXPECT_EQ(inq->vendor, std::string("VENDOR  ").substr(0, n > 8 ? n - 8 : 0)) << n;
    EXPECT_EQ(inq->model, std::string("MODEL           ").substr(0, n > 16 ? n - 16 : 0)) << n;
    EXPECT_EQ(inq->revision, std::string("0001").substr(0, n > 32 ? n - 32 : 0)) << n;
  }
}

TEST(StandardInquiry, AdditionalLengthIsReportedNotTrusted) {
  Bytes b = inquiry_data();
  b[4] = 200;
  auto inq = parse_standard_inquiry(b);
  ASSERT_TRUE(inq);
  EXPECT_EQ(inq->additional_length, 200);
  EXPECT_EQ(inq->available, 36u);
  EXPECT_EQ(inq->revision, "0001");

  b[4] = 3;  // claims to end inside the flags: the fields are still there
  inq = parse_standard_inquiry(b);
  ASSERT_TRUE(inq);
  EXPECT_EQ(inq->additional_length, 3);
  EXPECT_EQ(inq->vendor, "VENDOR  ");
  EXPECT_EQ(inq->revision, "0001");
}

TEST(StandardInquiry, LongerDataLeavesFieldsAlone) {
  Bytes b = inquiry_data();
  b.resize(96, 0x41);
  b[4] = 91;
  auto inq = parse_standard_inquiry(b);
  ASSERT_TRUE(inq);
  EXPECT_EQ(inq->available, 96u);
  EXPECT_EQ(inq->revision, "0001");
}

TEST(KernelScsiLevel, FollowsScsiScan) {
  struct Case {
    uint8_t version, format;
    int level;
  } cases[] = {
      {0x00, 0, 0},  // no standard claimed
      {0x01, 0, 1},  // SCSI-1
      {0x01, 1, 2},  // SCSI-1 with CCS format: SCSI_1_CCS
      {0x02, 2, 3},  // SCSI-2
      {0x03, 2, 4},  // SPC: SCSI_3
      {0x04, 2, 5},  // SPC-2
      {0x05, 2, 6},  // SPC-3
      {0x06, 2, 7},  // SPC-4
      {0x07, 2, 8},  // SPC-5
      {0x83, 2, 4},  // ISO/ECMA bits in the high nibble are not the ANSI version
      {0x10, 2, 0},  // high nibble only
  };
  for (const auto& c : cases) {
    Bytes b = inquiry_data();
    b[2] = c.version;
    b[3] = c.format;
    auto inq = parse_standard_inquiry(b);
    ASSERT_TRUE(inq);
    EXPECT_EQ(kernel_scsi_level(*inq), c.level) << "version " << int(c.version);
  }
}

}  // namespace
}  // namespace scsi_probe
