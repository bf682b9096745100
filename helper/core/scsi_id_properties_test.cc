#include "scsi_id_properties.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace scsi_probe {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::optional<Bytes> read_bytes(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  return Bytes(text->begin(), text->end());
}

// Fixture folders of both kinds: captured devices and hand-built ones.
std::vector<std::string> fixture_folders() {
  std::vector<std::string> out;
  for (const char* kind : {"devices", "handmade"}) {
    const fs::path root = fs::path(FIXTURE_DIR) / kind;
    if (!fs::is_directory(root)) continue;
    for (const auto& entry : fs::directory_iterator(root))
      if (entry.is_directory()) out.push_back(std::string(kind) + "/" + entry.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class ScsiIdFixture : public testing::TestWithParam<std::string> {};

// The ID_* lines that depend on the standard INQUIRY alone.
std::string inquiry_lines(const std::string& text) {
  std::size_t end = 0;
  for (int line = 0; line < 7 && end != std::string::npos; line++) {
    end = text.find('\n', end);
    if (end != std::string::npos) end++;
  }
  return text.substr(0, end);
}

// Our lines against the real scsi_id's, byte for byte. In a hand-built
// folder a missing page file is a page the device rejects (the shim replays
// it so). A captured folder holds the kernel's cache: without vpd_pg00 the
// kernel read no VPD, so the pages scsi_id read from the device are unknown
// and only the INQUIRY lines can be compared.
TEST_P(ScsiIdFixture, MatchesRealScsiId) {
  const fs::path dir = fs::path(FIXTURE_DIR) / GetParam();
  const auto expected = read_file(dir / "scsi_id.export");
  if (!expected) GTEST_SKIP() << "no scsi_id.export in " << dir;
  const auto inquiry = read_bytes(dir / "inquiry");
  ASSERT_TRUE(inquiry) << "no inquiry in " << dir;
  const bool kernel_cache = GetParam().starts_with("devices/");
  const bool vpd_known = !kernel_cache || fs::exists(dir / "vpd_pg00");
  auto page = [&](const char* name) -> std::optional<Bytes> {
    auto bytes = read_bytes(dir / name);
    if (bytes || !vpd_known) return bytes;
    return Bytes{};
  };
  ScsiIdInput input;
  input.inquiry = *inquiry;
  input.vpd_pg0 = page("vpd_pg00");
  input.vpd_pg80 = page("vpd_pg80");
  input.vpd_pg83 = page("vpd_pg83");
  const ScsiIdResult result = scsi_id_properties(input);
  const std::string ours = format_properties(result.properties);
  if (!result.missing_pages.empty()) {
    EXPECT_EQ(inquiry_lines(ours), inquiry_lines(*expected));
    GTEST_SKIP() << "the kernel cached no VPD: VPD lines not compared";
  }
  EXPECT_EQ(ours, *expected);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ScsiIdFixture, testing::ValuesIn(fixture_folders()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

Bytes standard_inquiry(std::string_view vendor_model_revision, uint8_t type = 0) {
  Bytes b{type, 0, 6, 2, 31, 0, 0, 2};
  b.insert(b.end(), vendor_model_revision.begin(), vendor_model_revision.end());
  return b;
}

constexpr std::string_view kAcme = "ACME    Widget          1.0 ";

Bytes unit_serial_page(std::size_t length) {
  Bytes p{0, 0x80, 0, static_cast<uint8_t>(length)};
  p.resize(4 + length, 'S');
  return p;
}

const std::string* property(const ScsiIdResult& r, std::string_view key) {
  return find_property(r.properties, key);
}

TEST(ScsiIdPages, WithoutPageZeroOnlyPageZeroIsAsked) {
  ScsiIdInput in{standard_inquiry(kAcme), std::nullopt, std::nullopt, std::nullopt};
  const auto r = scsi_id_properties(in);
  EXPECT_EQ(r.requested_pages, Bytes{0x00});
  EXPECT_EQ(r.missing_pages, Bytes{0x00});
  EXPECT_EQ(property(r, "ID_SERIAL"), nullptr);
  EXPECT_EQ(*property(r, "ID_VENDOR"), "ACME");
}

TEST(ScsiIdPages, PageEightyIsAskedBeforePage83) {
  ScsiIdInput in{standard_inquiry(kAcme), Bytes{0, 0, 0, 2, 0x80, 0x83}, std::nullopt,
                 std::nullopt};
  const auto r = scsi_id_properties(in);
  EXPECT_EQ(r.requested_pages, (Bytes{0x00, 0x80, 0x83}));
  EXPECT_EQ(r.missing_pages, (Bytes{0x80, 0x83}));
}

TEST(ScsiIdPages, RejectedPagesAreNotMissing) {
  ScsiIdInput in{standard_inquiry(kAcme), Bytes{0, 0, 0, 1, 0x80}, Bytes{}, std::nullopt};
  const auto r = scsi_id_properties(in);
  EXPECT_EQ(r.requested_pages, (Bytes{0x00, 0x80}));
  EXPECT_TRUE(r.missing_pages.empty());
  EXPECT_EQ(property(r, "ID_SERIAL"), nullptr);
}

TEST(ScsiIdPages, Page83FoundStopsBeforeThePage80Fallback) {
  ScsiIdInput in{standard_inquiry(kAcme), Bytes{0, 0, 0, 2, 0x83, 0x80}, Bytes{},
                 Bytes{0, 0x83, 0, 12, 1, 3, 0, 8, 0x50, 1, 2, 3, 4, 5, 6, 7}};
  const auto r = scsi_id_properties(in);
  EXPECT_EQ(r.requested_pages, (Bytes{0x00, 0x80, 0x83}));
  EXPECT_EQ(*property(r, "ID_SERIAL"), "35001020304050607");
  EXPECT_EQ(*property(r, "ID_WWN"), "0x5001020304050607");
}

TEST(ScsiIdPages, UnitSerialLengthLimit) {
  // scsi_id refuses a page 0x80 whose 'S' + vendor + model + serial would
  // not fit its 256-byte buffer: 231 bytes is the longest it takes.
  ScsiIdInput in{standard_inquiry(kAcme), Bytes{0, 0, 0, 1, 0x80}, unit_serial_page(231),
                 std::nullopt};
  auto r = scsi_id_properties(in);
  ASSERT_NE(property(r, "ID_SERIAL_SHORT"), nullptr);
  EXPECT_EQ(property(r, "ID_SERIAL_SHORT")->size(), 231u);
  in.vpd_pg80 = unit_serial_page(232);
  r = scsi_id_properties(in);
  EXPECT_EQ(property(r, "ID_SERIAL"), nullptr);
}

TEST(ScsiIdPages, DataPastTheAllocationLengthIsNotSeen) {
  // A T10 id whose last byte lies past scsi_id's 254-byte buffer reads that
  // byte as zero, which ends the string one byte early.
  Bytes page{0, 0x83, 0, 250, 2, 1, 0, 246};
  page.resize(254, 'A');
  page.push_back('B');
  ScsiIdInput in{standard_inquiry(kAcme), Bytes{0, 0, 0, 1, 0x83}, Bytes{}, page};
  const auto r = scsi_id_properties(in);
  EXPECT_EQ(*property(r, "ID_SERIAL_SHORT"), std::string(246, 'A'));
}

TEST(ScsiIdType, Systemd252Names) {
  EXPECT_EQ(scsi_id_type(0x00), "disk");
  EXPECT_EQ(scsi_id_type(0x0e), "disk");
  EXPECT_EQ(scsi_id_type(0x01), "tape");
  EXPECT_EQ(scsi_id_type(0x04), "optical");
  EXPECT_EQ(scsi_id_type(0x07), "optical");
  EXPECT_EQ(scsi_id_type(0x0f), "optical");
  EXPECT_EQ(scsi_id_type(0x05), "cd");
  EXPECT_EQ(scsi_id_type(0x14), "generic");
  EXPECT_EQ(scsi_id_type(0x0d), "generic");
  EXPECT_EQ(scsi_id_type(0x1f), "generic");
}

}  // namespace
}  // namespace scsi_probe
