#include "vpd_device_id.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace scsi_probe {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes descriptor(uint8_t code_set, uint8_t assoc, uint8_t type, const Bytes& value,
                 uint8_t protocol = 0, bool piv = false) {
  Bytes d(4 + value.size());
  d[0] = uint8_t(protocol << 4 | code_set);
  d[1] = uint8_t((piv ? 0x80 : 0) | assoc << 4 | type);
  d[3] = uint8_t(value.size());
  std::copy(value.begin(), value.end(), d.begin() + 4);
  return d;
}

Bytes page83(const std::vector<Bytes>& descriptors, uint8_t byte0 = 0) {
  Bytes body;
  for (const auto& d : descriptors) body.insert(body.end(), d.begin(), d.end());
  Bytes p(4 + body.size());
  p[0] = byte0;
  p[1] = 0x83;
  p[2] = uint8_t(body.size() >> 8);
  p[3] = uint8_t(body.size());
  std::copy(body.begin(), body.end(), p.begin() + 4);
  return p;
}

Bytes bytes(std::span<const uint8_t> s) { return Bytes(s.begin(), s.end()); }

bool inside(std::span<const uint8_t> part, const Bytes& whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

const Bytes kNaa5{0x50, 0x00, 0xc5, 0x00, 0xa1, 0xb2, 0xc3, 0xd4};

TEST(DeviceIdPage, WrongPageIsEmpty) {
  Bytes p{0, 0x80, 0, 0};
  auto page = parse_device_id_page(p);
  EXPECT_TRUE(page.designators.empty());
  EXPECT_FALSE(page.truncated);
}

TEST(DeviceIdPage, ShortHeaderIsTruncated) {
  EXPECT_TRUE(parse_device_id_page(Bytes{0, 0x83, 0}).truncated);
  EXPECT_FALSE(parse_device_id_page(Bytes{}).truncated);
}

TEST(DeviceIdPage, HeaderOnlyIsEmptyAndComplete) {
  auto page = parse_device_id_page(page83({}, 0x05));
  EXPECT_EQ(page.device_type, 5);
  EXPECT_TRUE(page.designators.empty());
  EXPECT_FALSE(page.truncated);
  EXPECT_FALSE(page.pre_spc);
}

TEST(DeviceIdPage, DecodesEveryHeaderField) {
  Bytes p = page83({descriptor(kCodeSetBinary, kAssocTargetPort, kDesigNaa, kNaa5, 0x6, true)});
  auto page = parse_device_id_page(p);
  ASSERT_EQ(page.designators.size(), 1u);
  const Designator& d = page.designators[0];
  EXPECT_EQ(d.protocol_id, 0x6);
  EXPECT_EQ(d.code_set, kCodeSetBinary);
  EXPECT_TRUE(d.piv);
  EXPECT_EQ(d.association, kAssocTargetPort);
  EXPECT_EQ(d.type, kDesigNaa);
  EXPECT_EQ(bytes(d.value), kNaa5);
  EXPECT_EQ(d.descriptor.size(), 4 + kNaa5.size());
  EXPECT_EQ(d.descriptor.data(), p.data() + 4);
  EXPECT_FALSE(page.truncated);
}

TEST(DeviceIdPage, EveryTypeCodeSetAndAssociation) {
  std::vector<Bytes> descs;
  struct Expect {
    uint8_t code_set, assoc, type;
    Bytes value;
  };
  std::vector<Expect> expected;
  for (uint8_t type = 0; type <= 0xf; ++type)
    for (uint8_t cs : {0, 1, 2, 3, 0xf})
      for (uint8_t assoc = 0; assoc <= 3; ++assoc) {
        Bytes value{type, cs, assoc};
        descs.push_back(descriptor(cs, assoc, type, value));
        expected.push_back({cs, assoc, type, value});
      }
  Bytes p = page83(descs);
  auto page = parse_device_id_page(p);
  ASSERT_EQ(page.designators.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& d = page.designators[i];
    EXPECT_EQ(d.code_set, expected[i].code_set) << i;
    EXPECT_EQ(d.association, expected[i].assoc) << i;
    EXPECT_EQ(d.type, expected[i].type) << i;
    EXPECT_EQ(bytes(d.value), expected[i].value) << i;
  }
  EXPECT_FALSE(page.truncated);
}

TEST(DeviceIdPage, TypicalDeviceInOrder) {
  Bytes eui8{1, 2, 3, 4, 5, 6, 7, 8};
  Bytes eui12(12, 0xe1), eui16(16, 0xe2);
  std::string t10 = "LIO-ORG disk0";
  std::string name = "naa.5001405abcdef012";
  Bytes p = page83({descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, kNaa5),
                    descriptor(kCodeSetAscii, kAssocLogicalUnit, kDesigT10VendorId,
                               Bytes(t10.begin(), t10.end())),
                    descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigEui64, eui8),
                    descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigEui64, eui12),
                    descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigEui64, eui16),
                    descriptor(kCodeSetBinary, kAssocTargetPort, kDesigRelativeTargetPort,
                               {0, 0, 0, 1}),
                    descriptor(kCodeSetBinary, kAssocTargetPort, kDesigTargetPortGroup,
                               {0, 0, 0, 2}),
                    descriptor(kCodeSetUtf8, kAssocTargetDevice, kDesigScsiName,
                               Bytes(name.begin(), name.end()))});
  auto page = parse_device_id_page(p);
  ASSERT_EQ(page.designators.size(), 8u);
  EXPECT_EQ(page.designators[1].type, kDesigT10VendorId);
  EXPECT_EQ(page.designators[2].value.size(), 8u);
  EXPECT_EQ(page.designators[3].value.size(), 12u);
  EXPECT_EQ(page.designators[4].value.size(), 16u);
  EXPECT_EQ(page.designators[5].type, kDesigRelativeTargetPort);
  EXPECT_EQ(page.designators[6].value[3], 2);
  EXPECT_EQ(page.designators[7].association, kAssocTargetDevice);
  EXPECT_EQ(std::string(page.designators[7].value.begin(), page.designators[7].value.end()), name);
}

TEST(DeviceIdPage, ZeroLengthDesignator) {
  Bytes p = page83({descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, {}),
                    descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, kNaa5)});
  auto page = parse_device_id_page(p);
  ASSERT_EQ(page.designators.size(), 2u);
  EXPECT_TRUE(page.designators[0].value.empty());
  EXPECT_EQ(bytes(page.designators[1].value), kNaa5);
}

TEST(DeviceIdPage, PageClaimsMoreThanSent) {
  Bytes p = page83({descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, kNaa5)});
  p[3] = 40;
  auto page = parse_device_id_page(p);
  ASSERT_EQ(page.designators.size(), 1u);
  EXPECT_TRUE(page.truncated);
}

TEST(DeviceIdPage, PageLengthCutsADesignator) {
  Bytes p = page83({descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, kNaa5),
                    descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigEui64, Bytes(8, 1))});
  p[3] = 16;  // the second designator's header and 4 of its 8 bytes
  auto page = parse_device_id_page(p);
  ASSERT_EQ(page.designators.size(), 1u);
  EXPECT_TRUE(page.truncated);
  for (const auto& d : page.designators) EXPECT_TRUE(inside(d.descriptor, p));
}

TEST(DeviceIdPage, DesignatorLengthLies) {
  Bytes naa = descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, kNaa5);
  Bytes liar = descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigEui64, Bytes(8, 1));
  liar[3] = 200;
  Bytes p = page83({naa, liar});
  auto page = parse_device_id_page(p);
  ASSERT_EQ(page.designators.size(), 1u);
  EXPECT_EQ(bytes(page.designators[0].value), kNaa5);
  EXPECT_TRUE(page.truncated);
}

TEST(DeviceIdPage, StrayBytesAfterLastDescriptor) {
  for (std::size_t stray = 1; stray <= 3; ++stray) {
    Bytes p = page83({descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, kNaa5)});
    p.insert(p.end(), stray, 0x01);
    p[3] = uint8_t(p.size() - 4);
    auto page = parse_device_id_page(p);
    EXPECT_EQ(page.designators.size(), 1u) << stray;
    EXPECT_TRUE(page.truncated) << stray;
  }
}

TEST(DeviceIdPage, PreSpcIdentifier) {
  Bytes p{0x00, 0x83, 0x00, 0x10, 0x60, 0x06, 0x04, 0x80, 0x00, 0x18, 0x45, 0x26,
          0x12, 0x34, 0x56, 0x78, 0x90, 0xab, 0xcd, 0xef};
  auto page = parse_device_id_page(p);
  EXPECT_TRUE(page.pre_spc);
  EXPECT_TRUE(page.designators.empty());
  EXPECT_EQ(bytes(page.pre_spc_identifier), Bytes(p.begin() + 4, p.end()));
  EXPECT_FALSE(page.truncated);
}

TEST(DeviceIdPage, SpcPageIsNotPreSpc) {
  auto page = parse_device_id_page(
      page83({descriptor(kCodeSetBinary, kAssocLogicalUnit, kDesigNaa, kNaa5)}));
  EXPECT_FALSE(page.pre_spc);
  EXPECT_TRUE(page.pre_spc_identifier.empty());
}

// Whatever the bytes, every span stays inside the page: run the parser
// over every hand-built page 0x83 and over each of their prefixes.
TEST(DeviceIdPage, SpansNeverLeaveThePage) {
  namespace fs = std::filesystem;
  fs::path root = fs::path(FIXTURE_DIR) / "sg_inq";
  std::size_t pages = 0;
  for (const auto& entry : fs::directory_iterator(root)) {
    fs::path file = entry.path() / "vpd_pg83";
    if (!fs::exists(file)) continue;
    std::ifstream in(file, std::ios::binary);
    Bytes full((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ++pages;
    for (std::size_t n = 0; n <= full.size(); ++n) {
      Bytes p(full.begin(), full.begin() + n);
      auto page = parse_device_id_page(p);
      for (const auto& d : page.designators) {
        EXPECT_TRUE(inside(d.descriptor, p)) << file << " cut to " << n;
        EXPECT_TRUE(inside(d.value, p)) << file << " cut to " << n;
        EXPECT_EQ(d.descriptor.size(), 4 + d.value.size());
      }
      EXPECT_TRUE(inside(page.pre_spc_identifier, p));
    }
  }
  EXPECT_GT(pages, 0u) << "no vpd_pg83 fixtures under " << root;
}

}  // namespace
}  // namespace scsi_probe
