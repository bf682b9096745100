#include "sg_inq_properties.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "vpd_device_id.h"

namespace scsi_probe {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

// A missing file reads as empty: a page the device does not have.
Bytes read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string read_text(const fs::path& path) {
  Bytes b = read_bytes(path);
  return std::string(b.begin(), b.end());
}

std::vector<fs::path> subfolders_with(const fs::path& root, const std::string& file) {
  std::vector<fs::path> out;
  if (!fs::is_directory(root)) return out;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory() && fs::exists(entry.path() / file)) out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

// sg_inq can end its output without a newline (an empty MD5 designator
// last); format_properties() always ends with one, and udev reads both alike.
std::string with_final_newline(std::string text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

Properties properties_of(const fs::path& dir) {
  return sg_inq_properties(read_bytes(dir / "inquiry"), read_bytes(dir / "vpd_pg80"),
                           read_bytes(dir / "vpd_pg83"));
}

// ---- the hand-built cases, against the real sg_inq -------------------------

TEST(SgInqFixtures, EveryCaseMatchesTheRealSgInq) {
  fs::path root = fs::path(FIXTURE_DIR) / "sg_inq";
  auto cases = subfolders_with(root, "sg_inq.export");
  ASSERT_FALSE(cases.empty()) << "no cases under " << root
                              << " (tests/fixtures/make-sg-inq-fixtures writes them)";
  for (const auto& dir : cases) {
    EXPECT_EQ(format_properties(properties_of(dir)),
              with_final_newline(read_text(dir / "sg_inq.export")))
        << "case " << dir.filename() << ": " << read_text(dir / "source");
  }
  std::cout << "[          ] compared " << cases.size() << " sg_inq cases\n";
}

// A page 0x83 cut anywhere (its length field left as it was) prints what
// the whole page prints, up to the last designator that still fits. Pre-SPC
// pages are left out: cutting byte 6 off turns them into SPC pages.
TEST(SgInqFixtures, CutDeviceIdPagesPrintAPrefix) {
  std::size_t pages = 0;
  for (const auto& dir : subfolders_with(fs::path(FIXTURE_DIR) / "sg_inq", "vpd_pg83")) {
    Bytes full = read_bytes(dir / "vpd_pg83");
    if (full.size() > 6 && full[6] != 0) continue;
    ++pages;
    std::string whole = format_properties(sg_inq_device_id_properties(full));
    for (std::size_t n = 0; n < full.size(); ++n) {
      std::string cut =
          format_properties(sg_inq_device_id_properties(Bytes(full.begin(), full.begin() + n)));
      if (!cut.empty()) cut.pop_back();  // the newline format_properties adds
      EXPECT_EQ(whole.compare(0, cut.size(), cut), 0)
          << dir.filename() << " cut to " << n << " bytes:\n" << cut;
    }
  }
  EXPECT_GT(pages, 0u);
}

// ---- captured devices: `sg_inq --export NODE` ------------------------------

// Device folders hold what `sg_inq --export NODE` printed: the standard
// INQUIRY lines only, unless the capture also ran the page 0x80 and 0x83
// calls. Compare with ours for what the reference covers; "" when equal.
std::string compare_with_device_reference(const fs::path& dir, const std::string& reference) {
  bool has_pages = reference.find("SCSI_IDENT_") != std::string::npos;
  Properties ours = has_pages ? properties_of(dir)
                              : sg_inq_standard_properties(read_bytes(dir / "inquiry"));
  std::string text = format_properties(ours);
  if (text == with_final_newline(reference)) return {};
  return "ours:\n" + text + "sg_inq:\n" + reference;
}

std::vector<fs::path> device_fixtures() {
  std::vector<fs::path> out;
  for (const char* root : {"devices", "handmade"}) {
    auto found = subfolders_with(fs::path(FIXTURE_DIR) / root, "sg_inq.export");
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

TEST(SgInqDeviceFixtures, MatchSgInqOnTheDevice) {
  auto dirs = device_fixtures();
  if (dirs.empty())
    GTEST_SKIP() << "no tests/fixtures/{devices,handmade}/*/sg_inq.export yet: nothing compared";
  for (const auto& dir : dirs) {
    std::string reference = read_text(dir / "sg_inq.export");
    EXPECT_EQ(compare_with_device_reference(dir, reference), "")
        << "fixture " << dir << ": " << read_text(dir / "source");
  }
  std::cout << "[          ] compared " << dirs.size() << " device fixtures\n";
}

TEST(SgInqDeviceFixtures, OneBrokenValueIsCaught) {
  auto dirs = device_fixtures();
  if (dirs.empty()) GTEST_SKIP() << "no device fixtures yet";
  std::string reference = read_text(dirs.front() / "sg_inq.export");
  ASSERT_EQ(compare_with_device_reference(dirs.front(), reference), "");
  std::size_t eq = reference.find('=');
  ASSERT_NE(eq, std::string::npos);
  reference = reference.substr(0, eq + 1) + "x" + reference.substr(eq + 1);
  EXPECT_NE(compare_with_device_reference(dirs.front(), reference), "");
}

// ---- the API around the fixtures -------------------------------------------

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

Bytes standard_inquiry() {
  return bytes_of(std::string("\x00\x00\x06\x02\x1f\x10\x00\x02", 8) +
                  "ACME    Disk            1.00");
}

Bytes serial_page(const std::string& sn) {
  return bytes_of(std::string("\x00\x80\x00", 3) + char(sn.size()) + sn);
}

Bytes device_id_page() {
  return {0x00, 0x83, 0x00, 0x0c, 0x01, 0x03, 0x00, 0x08,
          0x50, 0x00, 0xc5, 0x00, 0x01, 0x02, 0x03, 0x04};
}

TEST(SgInqProperties, NothingFromNothing) {
  EXPECT_TRUE(sg_inq_standard_properties({}).empty());
  EXPECT_TRUE(sg_inq_serial_properties({}).empty());
  EXPECT_TRUE(sg_inq_device_id_properties({}).empty());
  EXPECT_TRUE(sg_inq_properties({}, {}, {}).empty());
}

TEST(SgInqProperties, PagesShorterThanTheirHeaderGiveNothing) {
  // sg_inq rejects a VPD response under 4 bytes from a device.
  EXPECT_TRUE(sg_inq_serial_properties(Bytes{0x00, 0x80, 0x00}).empty());
  EXPECT_TRUE(sg_inq_device_id_properties(Bytes{0x00, 0x83}).empty());
}

TEST(SgInqProperties, WrongPageCodeGivesNothing) {
  // The device path of sg_inq checks the page code it asked for.
  Bytes not_80 = serial_page("ABC");
  not_80[1] = 0x83;
  EXPECT_TRUE(sg_inq_serial_properties(not_80).empty());
  Bytes not_83 = device_id_page();
  not_83[1] = 0x80;
  EXPECT_TRUE(sg_inq_device_id_properties(not_83).empty());
}

TEST(SgInqProperties, CombinesTheThreeCallsInRuleOrder) {
  Bytes inq = standard_inquiry();
  Bytes p80 = serial_page("SN1");
  Bytes p83 = device_id_page();
  Properties expected = sg_inq_standard_properties(inq);
  for (const Properties& part : {sg_inq_serial_properties(p80), sg_inq_device_id_properties(p83)}) {
    ASSERT_FALSE(part.empty());
    expected.insert(expected.end(), part.begin(), part.end());
  }
  EXPECT_EQ(sg_inq_properties(inq, p80, p83), expected);
  EXPECT_EQ(sg_inq_properties(inq, {}, p83).size(),
            sg_inq_standard_properties(inq).size() + sg_inq_device_id_properties(p83).size());
}

TEST(SgInqProperties, KeysComeInSgInqOrder) {
  Properties p = sg_inq_properties(standard_inquiry(), serial_page("SN1"), device_id_page());
  std::vector<std::string> keys;
  for (const auto& prop : p) keys.push_back(prop.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"SCSI_TPGS", "SCSI_TYPE", "SCSI_VENDOR",
                                            "SCSI_VENDOR_ENC", "SCSI_MODEL", "SCSI_MODEL_ENC",
                                            "SCSI_REVISION", "SCSI_IDENT_SERIAL",
                                            "SCSI_IDENT_LUN_NAA_REG"}));
}

TEST(SgInqProperties, RepeatedDesignatorsKeepBothLines) {
  Bytes p83 = device_id_page();
  Bytes second(p83.begin() + 4, p83.end());
  second.back() = 0x05;
  p83.insert(p83.end(), second.begin(), second.end());
  p83[3] = uint8_t(p83.size() - 4);
  Properties p = sg_inq_device_id_properties(p83);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].key, p[1].key);
  EXPECT_NE(p[0].value, p[1].value);
}

// ---- the encodings ---------------------------------------------------------

TEST(SgInqEncoding, SqueezeIsPureOnPlainText) {
  EXPECT_EQ(sg_inq_encoding::squeeze(bytes_of("ABC")), "ABC");
  EXPECT_EQ(sg_inq_encoding::squeeze(bytes_of("")), "");
}

TEST(SgInqEncoding, SqueezeNeedsAPrintableCharacter) {
  EXPECT_EQ(sg_inq_encoding::squeeze(bytes_of("   ")), "");
  EXPECT_EQ(sg_inq_encoding::squeeze(Bytes{0x7f, 0x7f}), "");
  EXPECT_EQ(sg_inq_encoding::squeeze(Bytes{'a', 0x7f}), "a.");
}

TEST(SgInqEncoding, EscapeBlanksKeepsEveryOtherPrintable) {
  EXPECT_EQ(sg_inq_encoding::escape_blanks(bytes_of("a \t\"$\\")), "a\\x20\\x09\"$\\");
  EXPECT_EQ(sg_inq_encoding::escape_blanks(Bytes{0x00, 0xc3}), "\\x00\\xc3");
}

TEST(SgInqEncoding, EscapeUdevKeepsItsSetOnly) {
  EXPECT_EQ(sg_inq_encoding::escape_udev("az09AZ#+-.:=@_"), "az09AZ#+-.:=@_");
  EXPECT_EQ(sg_inq_encoding::escape_udev("a/b c"), "a\\x2fb\\x20c");
  EXPECT_EQ(sg_inq_encoding::escape_udev(std::string("\0", 1)), "\\x00");
}

// ---- one designator --------------------------------------------------------

using sg_inq_designator::DesignatorFields;
using sg_inq_designator::designator_lines;

DesignatorFields designator(uint8_t type, uint8_t code_set, uint8_t association, const Bytes& value,
                            uint8_t protocol_id = 0) {
  return {protocol_id, code_set, association, type, value, value.empty() ? uint8_t{0} : value[0]};
}

TEST(SgInqDesignator, T10VendorIdOfAnAtaDeviceGivesTheAtaLineUnescaped) {
  const Bytes v = bytes_of("ATA     QEMU HARDDISK");
  EXPECT_EQ(designator_lines(designator(kDesigT10VendorId, kCodeSetAscii, kAssocLogicalUnit, v)),
            (Properties{{"T10", "ATA_QEMU_HARDDISK"}, {"ATA", "QEMU_HARDDISK"}}));
  const Bytes other = bytes_of("LIO-ORG disk");
  EXPECT_EQ(designator_lines(designator(kDesigT10VendorId, kCodeSetAscii, kAssocLogicalUnit, other)),
            (Properties{{"T10", "LIO-ORG_disk"}}));
}

TEST(SgInqDesignator, VendorSpecificPrintsNothingPast128BytesOrWhenBlank) {
  const Bytes long_value(129, 'a');
  EXPECT_TRUE(designator_lines(designator(kDesigVendorSpecific, kCodeSetAscii, kAssocLogicalUnit, long_value)).empty());
  EXPECT_TRUE(designator_lines(designator(kDesigVendorSpecific, kCodeSetAscii, kAssocLogicalUnit, bytes_of("  "))).empty());
  EXPECT_EQ(designator_lines(designator(kDesigVendorSpecific, kCodeSetBinary, kAssocLogicalUnit, Bytes{0xab, 0x01})),
            (Properties{{"VENDOR", "ab01"}}));
}

TEST(SgInqDesignator, NaaKeyFollowsTheNaaField) {
  const Bytes v{0x60, 0x01, 0x40, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};
  EXPECT_EQ(designator_lines(designator(kDesigNaa, kCodeSetBinary, kAssocLogicalUnit, v)),
            (Properties{{"NAA_REGEXT", "60014050000000000000000000000001"}}));
  EXPECT_TRUE(designator_lines(designator(kDesigNaa, kCodeSetAscii, kAssocLogicalUnit, v)).empty());
}

TEST(SgInqDesignator, PortNumbersOnlyInTheirOwnAssociation) {
  const Bytes v{0x00, 0x00, 0x01, 0x2c};
  EXPECT_EQ(designator_lines(designator(kDesigRelativeTargetPort, kCodeSetBinary, kAssocTargetPort, v)),
            (Properties{{"RELATIVE", "300"}}));
  EXPECT_EQ(designator_lines(designator(kDesigTargetPortGroup, kCodeSetBinary, kAssocTargetPort, v)),
            (Properties{{"TARGET_PORT_GROUP", "0x12c"}}));
  EXPECT_TRUE(designator_lines(designator(kDesigTargetPortGroup, kCodeSetBinary, kAssocLogicalUnit, v)).empty());
  EXPECT_EQ(designator_lines(designator(kDesigLogicalUnitGroup, kCodeSetBinary, kAssocLogicalUnit, v)),
            (Properties{{"LOGICAL_UNIT_GROUP", "0x12c"}}));
  EXPECT_TRUE(designator_lines(designator(kDesigRelativeTargetPort, kCodeSetBinary, kAssocTargetPort,
                                          Bytes{0, 0, 1})).empty());
}

TEST(SgInqDesignator, UasAndSopPorts) {
  const Bytes v{0x85, 0x00, 0x02, 0x00};
  EXPECT_EQ(designator_lines(designator(kDesigProtocolSpecificPort, kCodeSetBinary, kAssocTargetPort, v, 0x9)),
            (Properties{{"UAS_DEVICE_ADDRESS", "0x5"}, {"UAS_INTERFACE_NUMBER", "0x2"}}));
  EXPECT_TRUE(
      designator_lines(designator(kDesigProtocolSpecificPort, kCodeSetBinary, kAssocLogicalUnit, v, 0x9)).empty());
  EXPECT_EQ(designator_lines(designator(kDesigProtocolSpecificPort, kCodeSetBinary, kAssocLogicalUnit,
                                        Bytes{0x01, 0x02, 0, 0, 0, 0, 0, 0}, 0xa)),
            (Properties{{"SOP_ROUTING_ID", "0x102"}}));
}

TEST(SgInqDesignator, UuidIn8_4_4_4_12FormWithExtraBytesInTheLastGroup) {
  Bytes v{0x10, 0x00};
  for (uint8_t b = 0; b < 17; ++b) v.push_back(static_cast<uint8_t>(b * 0x11));
  EXPECT_EQ(designator_lines(designator(kDesigUuid, kCodeSetBinary, kAssocLogicalUnit, v)),
            (Properties{{"UUID", "00112233-4455-6677-8899-aabbccddeeff10"}}));
  v.resize(17);
  EXPECT_TRUE(designator_lines(designator(kDesigUuid, kCodeSetBinary, kAssocLogicalUnit, v)).empty());
}

TEST(SgInqDesignator, Md5IsAHexDumpWithItsLineEnd) {
  const Bytes v{0xde, 0xad};
  const Properties p = designator_lines(designator(kDesigMd5LogicalUnit, kCodeSetBinary, kAssocLogicalUnit, v));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].key, "MD5");
  EXPECT_TRUE(p[0].value.ends_with("\n"));
  EXPECT_NE(p[0].value.find("de ad"), std::string::npos);
  EXPECT_EQ(designator_lines(designator(kDesigMd5LogicalUnit, kCodeSetBinary, kAssocLogicalUnit, {})),
            (Properties{{"MD5", ""}}));
}

TEST(SgInqDesignator, ScsiNameEndsAtItsFirstNul) {
  const Bytes v{'i', 'q', 'n', '.', 'x', 0, 0, 0};
  EXPECT_EQ(designator_lines(designator(kDesigScsiName, kCodeSetUtf8, kAssocTargetDevice, v)),
            (Properties{{"NAME", "iqn.x"}}));
  EXPECT_TRUE(designator_lines(designator(kDesigScsiName, kCodeSetAscii, kAssocTargetDevice, v)).empty());
}

}  // namespace
}  // namespace scsi_probe
