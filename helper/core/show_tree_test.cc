#include "show_tree.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

ShowDevice disk(const std::string& address) {
  ShowDevice d;
  d.address = address;
  d.type = 0;
  d.vendor = "QEMU";
  d.model = "QEMU HARDDISK";
  d.revision = "2.5+";
  d.state = "running";
  d.size_bytes = 10737418240ULL;
  d.driver = "sd";
  d.nodes = {"/dev/sg0", "/dev/sda"};
  d.serial = "0QEMU_QEMU_HARDDISK_S1";
  d.attach = "sd";
  return d;
}

std::vector<ShowHost> sample() {
  ShowDevice w;
  w.address = "2:0:1:49409";
  w.type = 0x1e;
  w.state = "running";
  ShowHost h;
  h.name = "host2";
  h.proc_name = "virtio_scsi";
  ShowTarget t;
  t.name = "2:0:1";
  t.devices = {disk("2:0:1:0"), w};
  h.targets = {t};
  return {h};
}

TEST(ShowTree, ColumnsAreAlignedOneLinePerLun) {
  std::string t = format_columns(sample(), false);
  EXPECT_EQ(t,
            "host2  virtio_scsi\n"
            "  target2:0:1\n"
            "    [2:0:1:0]      disk  QEMU  QEMU HARDDISK  2.5+  running  10.7GB  sd  /dev/sg0,/dev/sda\n"
            "    [2:0:1:49409]  wlun  -     -              -     running  -       -   -\n");
}

TEST(ShowTree, VerboseAddsTheRecordLines) {
  std::string t = format_columns(sample(), true);
  EXPECT_NE(t.find("/dev/sda\n      serial: 0QEMU_QEMU_HARDDISK_S1\n      attach: sd\n"), std::string::npos) << t;
}

TEST(ShowTree, HeadersCarryTransportClassAndPortIdentity) {
  auto hosts = sample();
  hosts[0].transport = "fc";
  hosts[0].host_class = "fc";
  hosts[0].targets[0].port_transport = "fc";
  hosts[0].targets[0].port_address = "0x500a098188ae2c10";
  std::string t = format_columns(hosts, false);
  EXPECT_EQ(t.substr(0, t.find("    [")),
            "host2  virtio_scsi  transport fc  class fc\n  target2:0:1  fc 0x500a098188ae2c10\n");
  auto j = show_json(hosts);
  EXPECT_EQ(j["hosts"][0]["targets"][0]["port"]["address"], "0x500a098188ae2c10");
  EXPECT_EQ(j["hosts"][0]["targets"][0]["port"]["transport"], "fc");
}

TEST(ShowTree, KeptDevicesAndTargetScansAreShown) {
  auto hosts = sample();
  hosts[0].targets[0].scan = "LUN 3 no longer reported: kept, unreported=keep (the default)";
  hosts[0].targets[0].devices[0].kept = "not removed: in use: mounted at /mnt (sda1)";
  std::string t = format_columns(hosts, false);
  EXPECT_NE(t.find("  target2:0:1\n    scan: LUN 3 no longer reported: kept"), std::string::npos) << t;
  EXPECT_NE(t.find("/dev/sda\n      kept: not removed: in use: mounted at /mnt (sda1)\n"), std::string::npos) << t;
  auto j = show_json(hosts);
  EXPECT_EQ(j["hosts"][0]["targets"][0]["devices"][0]["kept"], "not removed: in use: mounted at /mnt (sda1)");
  EXPECT_EQ(j["hosts"][0]["targets"][0]["scan"], "LUN 3 no longer reported: kept, unreported=keep (the default)");
}

TEST(ShowTree, JsonUsesNullForUnknownValues) {
  auto j = show_json(sample());
  EXPECT_EQ(j["version"], kShowJsonVersion);
  const auto& w = j["hosts"][0]["targets"][0]["devices"][1];
  EXPECT_TRUE(w["vendor"].is_null());
  EXPECT_TRUE(w["size_bytes"].is_null());
  EXPECT_TRUE(w["driver"].is_null());
  EXPECT_EQ(w["type"], 30);
  EXPECT_EQ(w["type_name"], "wlun");
  EXPECT_TRUE(w["nodes"].is_array());
  EXPECT_TRUE(j["hosts"][0]["transport"].is_null());
  EXPECT_TRUE(j["hosts"][0]["targets"][0]["port"].is_null());
  ShowDevice none;
  none.address = "0:0:0:0";
  ShowHost h{"host0", {}, {}, {}, {}, {ShowTarget{"0:0:0", {}, {}, {}, {none}}}};
  EXPECT_TRUE(show_json({h})["hosts"][0]["targets"][0]["devices"][0]["type_name"].is_null());
  const auto& d = j["hosts"][0]["targets"][0]["devices"][0];
  EXPECT_EQ(d["size_bytes"], 10737418240ULL);
  EXPECT_EQ(d["nodes"], (nlohmann::ordered_json{"/dev/sg0", "/dev/sda"}));
}

TEST(ShowTree, JsonTextModesAndEscapes) {
  auto hosts = sample();
  hosts[0].targets[0].devices[0].vendor = "A\"B\\C\n\x01";
  auto j = show_json(hosts);
  std::string s = format_json_text(j, false);
  EXPECT_EQ(s.substr(0, 32), "{\"version\":2,\"hosts\":[{\"name\":\"h");
  EXPECT_EQ(s.find('\n'), s.size() - 1);
  EXPECT_NE(s.find(R"("vendor":"A\"B\\C\n\u0001")"), std::string::npos) << s;
  std::string p = format_json_text(j, true);
  EXPECT_EQ(p.substr(0, 20), "{\n  \"version\": 2,\n  ");
  EXPECT_EQ(nlohmann::json::parse(p), nlohmann::json::parse(s));
}

TEST(ShowTree, JsonReplacesBytesThatAreNotUtf8) {
  auto hosts = sample();
  hosts[0].targets[0].devices[0].model = "M\xc3\xbcller\xff";
  std::string s = format_json_text(show_json(hosts), false);
  EXPECT_NE(s.find("\"model\":\"M\xc3\xbcller\xef\xbf\xbd\""), std::string::npos) << s;
}

TEST(ShowTree, NaturalOrderEverywhere) {
  ShowHost h10{"host10", {}, {}, {}, {}, {}};
  ShowHost h2{"host2", {}, {}, {}, {}, {}};
  ShowTarget t10{"2:0:10", {}, {}, {}, {disk("2:0:10:0")}};
  ShowTarget t2{"2:0:2", {}, {}, {}, {disk("2:0:2:10"), disk("2:0:2:2")}};
  t2.devices[0].nodes = {"/dev/sg10", "/dev/sg9"};
  h2.targets = {t10, t2};
  std::vector<ShowHost> hosts = {h10, h2};
  sort_naturally(hosts);
  EXPECT_EQ(hosts[0].name, "host2");
  EXPECT_EQ(hosts[0].targets[0].name, "2:0:2");
  EXPECT_EQ(hosts[0].targets[0].devices[0].address, "2:0:2:2");
  EXPECT_EQ(hosts[0].targets[0].devices[1].nodes, (std::vector<std::string>{"/dev/sg9", "/dev/sg10"}));
  EXPECT_EQ(hosts[0].targets[1].name, "2:0:10");
}

// The inputs as run_show reads them: hosts 2 and 3, target 2:0:1 with one
// LUN, target 2:0:2 with none.
struct ReadTree {
  std::map<unsigned, ShowHost> hosts{{2, ShowHost{"host2", {}, {}, {}, {}, {}}}, {3, ShowHost{"host3", {}, {}, {}, {}, {}}}};
  std::map<ScsiTarget, ShowTarget> targets{{ScsiTarget{2, 0, 1}, ShowTarget{"2:0:1", {}, {}, {}, {disk("2:0:1:0")}}},
                                           {ScsiTarget{2, 0, 2}, ShowTarget{"2:0:2", {}, {}, {}, {}}}};
};

TEST(ShowTree, WithoutAPatternEveryHostAndTargetIsShown) {
  ReadTree r;
  const std::vector<ShowHost> tree = assemble_show_tree(r.hosts, r.targets, AddressPattern{});
  ASSERT_EQ(tree.size(), 2u);
  ASSERT_EQ(tree[0].targets.size(), 2u);
  EXPECT_EQ(tree[0].targets[1].name, "2:0:2");
  EXPECT_TRUE(tree[1].targets.empty());
}

TEST(ShowTree, APatternNamingALunShowsOnlyWhatHasAMatchingLunBelow) {
  ReadTree r;
  const std::vector<ShowHost> tree = assemble_show_tree(r.hosts, r.targets, AddressPattern{{}, {}, {}, 0});
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree[0].name, "host2");
  ASSERT_EQ(tree[0].targets.size(), 1u);
  EXPECT_EQ(tree[0].targets[0].name, "2:0:1");
}

TEST(ShowTree, APatternNamingATargetKeepsItsEmptyTargetsButNoEmptyHost) {
  ReadTree r;
  const std::vector<ShowHost> tree = assemble_show_tree(r.hosts, r.targets, AddressPattern{{}, {}, 2, {}});
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree[0].targets.size(), 2u);
}

TEST(ShowTree, Sizes) {
  EXPECT_EQ(format_size(512), "512B");
  EXPECT_EQ(format_size(10737418240ULL), "10.7GB");
  EXPECT_EQ(format_size(1000000), "1.00MB");
  EXPECT_EQ(format_size(999999999999ULL), "1000GB");
  EXPECT_EQ(format_size(0), "0B");
}

TEST(ShowTree, TypeNames) {
  EXPECT_EQ(device_type_name(5), "cd/dvd");
  EXPECT_EQ(device_type_name(8), "mediumx");
  EXPECT_EQ(device_type_name(0x0d), "enclosu");
  EXPECT_EQ(device_type_name(0x15), "type21");
}

}  // namespace
}  // namespace scsi_probe
