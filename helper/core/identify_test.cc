// End to end over the device fixtures: what the kernel cached in sysfs in,
// properties out, compared with the real scsi_id and sg_inq run on the same
// device (tests/fixtures/*/*/scsi_id.export, sg_inq.export).
#include "identify.h"

#include <fnmatch.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "rules_file_text.h"

namespace scsi_probe {
namespace {

namespace fs = std::filesystem;

std::optional<std::vector<uint8_t>> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A fixture folder is laid out like the scsi_device's sysfs folder.
DeviceData load_fixture(const fs::path& dir) {
  DeviceData d;
  if (auto inq = slurp(dir / "inquiry")) d.inquiry = *inq;
  for (int p = 0; p < 256; ++p) {
    auto code = static_cast<uint8_t>(p);
    // The fixture layout names page 0 "vpd_pg00"; the others as sysfs does.
    std::string file = code == 0 ? "vpd_pg00" : vpd_attribute_name(code);
    if (auto page = slurp(dir / file); page && !page->empty()) d.vpd[code] = *page;
  }
  // The reference tools ran against the device (or the replay shim), which
  // rejected every page the folder lacks: record that for the pages scsi_id
  // asks, as the shell does after asking.
  if (d.page(0x00))
    for (uint8_t code : {0x80, 0x83})
      if (!d.page(code)) d.vpd[code] = {};
  return d;
}

// KEY=value lines of a tool's output, as udev would import them.
Properties parse_export(const fs::path& p) {
  Properties props;
  std::ifstream in(p, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    props.push_back({line.substr(0, eq), line.substr(eq + 1)});
  }
  return props;
}

std::vector<fs::path> fixture_dirs() {
  std::vector<fs::path> dirs;
  for (const char* group : {"devices", "handmade"}) {
    fs::path root = fs::path(FIXTURE_DIR) / group;
    if (!fs::is_directory(root)) continue;
    for (const auto& e : fs::directory_iterator(root))
      if (fs::exists(e.path() / "inquiry")) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

// Every key the tool printed must be ours with the same value, and we must
// print no key of the tool's family that it did not. `sg_inq --export DEVICE`
// prints the standard INQUIRY keys only; its SCSI_IDENT_* keys (from
// `--page=0x80/0x83`) are checked by sg_inq_properties_test.
void expect_same_family(const Properties& ours, const Properties& theirs, std::string_view prefix,
                        std::string_view exempt, const fs::path& dir) {
  for (const auto& t : theirs) {
    const std::string* v = find_property(ours, t.key);
    if (!v) {
      ADD_FAILURE() << dir.filename() << ": missing " << t.key << "=" << t.value;
      continue;
    }
    // Repeated keys: udev keeps the last, so compare against the last of theirs.
    const std::string* last = find_property(theirs, t.key);
    for (const auto& x : theirs)
      if (x.key == t.key) last = &x.value;
    EXPECT_EQ(*v, *last) << dir.filename() << ": " << t.key;
  }
  for (const auto& o : ours)
    if (o.key.starts_with(prefix) && !o.key.starts_with(exempt) && !o.key.starts_with("SCSI_PROBE_") &&
        !find_property(theirs, o.key))
      ADD_FAILURE() << dir.filename() << ": extra " << o.key << "=" << o.value;
}

TEST(Identify, EveryFixtureMatchesScsiIdAndSgInq) {
  auto dirs = fixture_dirs();
  if (dirs.empty()) GTEST_SKIP() << "no device fixtures under " << FIXTURE_DIR;
  int compared = 0;
  for (const auto& dir : dirs) {
    Identity id = identify_device(load_fixture(dir));
    if (!id.missing_pages.empty()) {
      // A device the kernel read no VPD from: only the INQUIRY lines are ours.
      EXPECT_EQ(find_property(id.properties, "ID_SERIAL"), nullptr) << dir.filename();
      Properties theirs;
      for (auto& p : parse_export(dir / "scsi_id.export"))
        if (find_property(id.properties, p.key)) theirs.push_back(p);
      expect_same_family(id.properties, theirs, "ID_", "-", dir);
      ++compared;
    } else if (fs::exists(dir / "scsi_id.export")) {
      expect_same_family(id.properties, parse_export(dir / "scsi_id.export"), "ID_", "-", dir);
      ++compared;
    }
    if (fs::exists(dir / "sg_inq.export")) {
      expect_same_family(id.properties, parse_export(dir / "sg_inq.export"), "SCSI_", "SCSI_IDENT_",
                         dir);
      ++compared;
    }
  }
  EXPECT_GT(compared, 0);
}

// The keys the rules carry over from the database on bind and unbind events
// (54-scsi-probe.rules): every identification key of every fixture, and the
// SCSI_PROBE_* keys of the device run.
TEST(Identify, RulesCarryEveryKeyAcrossBindEvents) {
  std::istringstream rules(rules_file_text());
  ASSERT_FALSE(rules.str().empty()) << RULES_FILE;
  std::set<std::string> carried;
  const std::string token = "IMPORT{db}=\"";
  for (std::string line; std::getline(rules, line);) {
    if (!line.starts_with(token)) continue;
    carried.insert(line.substr(token.size(), line.find('"', token.size()) - token.size()));
  }
  auto expect_carried = [&](const std::string& key, const std::string& where) {
    EXPECT_TRUE(carried.count(key)) << where << ": " << key << " is not carried over";
  };
  std::size_t keys = 0;
  for (const auto& dir : fixture_dirs()) {
    for (const auto& p : identify_device(load_fixture(dir)).properties) {
      expect_carried(p.key, dir.filename().string());
      ++keys;
    }
  }
  EXPECT_GT(keys, 100u);
  for (const char* key : {"SCSI_PROBE_ATTACH", "SCSI_PROBE_HANDLER", "SCSI_PROBE_REASON", "SCSI_PROBE_QUIRKS",
                          "SCSI_PROBE_QUIRKS_SOURCE", "SCSI_PROBE_COMMANDS", "SCSI_PROBE_WARNING"})
    expect_carried(key, "scsi-probe device");
}

// What a disk, CD or tape takes from its scsi_device (IMPORT{parent}):
// every identification key of every fixture, none of the SCSI_PROBE_* keys
// that describe the scsi_device itself.
TEST(Identify, UpperDevicesImportIdentificationOnly) {
  std::istringstream rules(rules_file_text());
  ASSERT_FALSE(rules.str().empty()) << RULES_FILE;
  std::vector<std::string> patterns;
  const std::string token = "IMPORT{parent}=\"";
  for (std::string line; std::getline(rules, line);)
    for (std::size_t at = line.find(token); at != std::string::npos; at = line.find(token, at + 1)) {
      const std::size_t from = at + token.size();
      patterns.push_back(line.substr(from, line.find('"', from) - from));
    }
  ASSERT_FALSE(patterns.empty());
  auto imported = [&](const std::string& key) {
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& p) { return fnmatch(p.c_str(), key.c_str(), 0) == 0; });
  };
  std::size_t keys = 0;
  for (const auto& dir : fixture_dirs()) {
    for (const auto& p : identify_device(load_fixture(dir)).properties) {
      EXPECT_EQ(imported(p.key), !p.key.starts_with("SCSI_PROBE_")) << dir.filename().string() << ": " << p.key;
      ++keys;
    }
  }
  EXPECT_GT(keys, 100u);
  for (const char* key : {"SCSI_PROBE_ATTACH", "SCSI_PROBE_HANDLER", "SCSI_PROBE_REMOVE", "SCSI_PROBE_REASON",
                          "SCSI_PROBE_QUIRKS", "SCSI_PROBE_QUIRKS_SOURCE", "SCSI_PROBE_COMMANDS",
                          "SCSI_PROBE_WARNING", "SCSI_PROBE_ID_LEFT_TO_SCSI_ID", "SCSI_PROBE_TARGET"})
    EXPECT_FALSE(imported(key)) << key;
}

// Device strings that scsi_id and sg_inq print raw: an ASCII NAA designator
// (scsi_id's ID_WWN*) and a SCSI name string (sg_inq's SCSI_IDENT_*_NAME),
// each with "\rID_SERIAL=evil": printed for udev, every line is one of our
// keys and ID_SERIAL is the device's own.
TEST(Identify, HostileStringsSetNoKeyInUdevOutput) {
  DeviceData d;
  d.inquiry = {0x00, 0x00, 0x06, 0x02, 31, 0, 0, 0, 'V', 'E', 'N', 'D', 'O', 'R', ' ', ' ',
               'M', 'O', 'D', 'E', 'L', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
               '1', '.', '0', ' '};
  d.vpd[0x00] = {0x00, 0x00, 0x00, 0x02, 0x00, 0x83};
  d.vpd[0x80] = {};  // rejected: scsi_id asks for it with page 0x83
  const std::string naa = "6X\rID_SERIAL=evil";
  const std::string name = std::string("naa.X\rID_SERIAL=evil\x1b[1m") + std::string(4, '\0');
  std::vector<uint8_t> page{0x00, 0x83, 0x00, 0x00};
  page.insert(page.end(), {0x02, 0x03, 0x00, static_cast<uint8_t>(naa.size())});
  page.insert(page.end(), naa.begin(), naa.end());
  page.insert(page.end(), {0x03, 0x28, 0x00, static_cast<uint8_t>(name.size())});
  page.insert(page.end(), name.begin(), name.end());
  page[3] = static_cast<uint8_t>(page.size() - 4);
  d.vpd[0x83] = page;
  const Identity id = identify_device(d);
  ASSERT_NE(find_property(id.properties, "ID_WWN"), nullptr);
  ASSERT_NE(find_property(id.properties, "SCSI_IDENT_TARGET_NAME"), nullptr);
  const std::string out = format_udev_properties(id.properties);
  EXPECT_EQ(out.find('\r'), std::string::npos) << out;
  // The device's own serial holds the text ("36X_ID_SERIAL=evil"), no line
  // starts with it.
  EXPECT_NE(out.find("\nID_SERIAL=36X_ID_SERIAL=evil\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("\nID_SERIAL=evil"), std::string::npos) << out;
  EXPECT_NE(out.find("\nID_WWN=0x6X\n"), std::string::npos) << out;
  EXPECT_NE(out.find("\nSCSI_IDENT_TARGET_NAME=naa.X\n"), std::string::npos) << out;
  for (char c : out) EXPECT_FALSE((static_cast<uint8_t>(c) < 0x20 && c != '\n') || c == 0x7f) << out;
}

// Page 0 lists 0x80 and 0x83; 0x80 is there, 0x83 could not be read (a
// MEDIUM ERROR, a timeout). Had 0x83 counted as rejected, ID_SERIAL would be
// the page 0x80 form ("S" + vendor + model + serial), not scsi_id's.
TEST(Identify, UnreadablePageLeavesSerialToScsiId) {
  DeviceData d;
  d.inquiry = {0x00, 0x00, 0x06, 0x02, 31, 0, 0, 0, 'V', 'E', 'N', 'D', 'O', 'R', ' ', ' ',
               'M', 'O', 'D', 'E', 'L', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
               '1', '.', '0', ' '};
  d.vpd[0x00] = {0x00, 0x00, 0x00, 0x03, 0x00, 0x80, 0x83};
  d.vpd[0x80] = {0x00, 0x80, 0x00, 0x04, 'S', 'N', '4', '2'};
  Identity rejected = [&] {
    DeviceData r = d;
    record_vpd_read(r, 0x83, VpdRead::kRejected, {});
    return identify_device(r);
  }();
  ASSERT_NE(find_property(rejected.properties, "ID_SERIAL"), nullptr);
  EXPECT_EQ(find_property(rejected.properties, "SCSI_PROBE_ID_LEFT_TO_SCSI_ID"), nullptr);

  record_vpd_read(d, 0x83, VpdRead::kUnreadable, {});
  Identity id = identify_device(d);
  EXPECT_EQ(find_property(id.properties, "ID_SERIAL"), nullptr);
  EXPECT_EQ(find_property(id.properties, "ID_SERIAL_SHORT"), nullptr);
  ASSERT_NE(find_property(id.properties, "SCSI_PROBE_ID_LEFT_TO_SCSI_ID"), nullptr);
  EXPECT_EQ(*find_property(id.properties, "ID_VENDOR"), "VENDOR");
  EXPECT_EQ(id.missing_pages, std::vector<uint8_t>{0x83});
  ASSERT_EQ(id.warnings.size(), 1u);
  EXPECT_NE(id.warnings[0].find("could not be read"), std::string::npos);
}

TEST(Identify, SparedDeviceLeavesSerialToScsiId) {
  DeviceData d;
  d.inquiry = {0x00, 0x00, 0x02, 0x02, 31, 0, 0, 0, 'V', 'E', 'N', 'D', 'O', 'R', ' ', ' ',
               'M', 'O', 'D', 'E', 'L', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ',
               '1', '.', '0', ' '};
  Identity id = identify_device(d);
  ASSERT_NE(find_property(id.properties, "ID_VENDOR"), nullptr);
  EXPECT_EQ(*find_property(id.properties, "ID_VENDOR"), "VENDOR");
  EXPECT_EQ(*find_property(id.properties, "ID_TYPE"), "disk");
  EXPECT_EQ(find_property(id.properties, "ID_SERIAL"), nullptr);
  EXPECT_EQ(id.warnings.size(), 1u);
}

}  // namespace
}  // namespace scsi_probe
