#include "show_tree.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

std::vector<ShowHost> sample() {
  ShowDevice d;
  d.address = "2:0:1:0";
  d.type = 0;
  d.vendor = "QEMU";
  d.model = "QEMU HARDDISK";
  d.revision = "2.5+";
  d.driver = "sd";
  d.nodes = {"/dev/sda", "/dev/sg0"};
  d.serial = "0QEMU_QEMU_HARDDISK_S1";
  d.attach = "sd";
  ShowDevice w;
  w.address = "2:0:1:49409";
  w.type = 0x1e;
  ShowHost h;
  h.name = "host2";
  h.proc_name = "virtio_scsi";
  h.targets = {{"2:0:1", {d, w}, ""}};
  return {h};
}

TEST(ShowTree, TextTreeNamesEveryLevel) {
  std::string t = format_tree(sample());
  EXPECT_EQ(t,
            "host2 (virtio_scsi)\n"
            "  target2:0:1\n"
            "    [2:0:1:0] disk QEMU QEMU HARDDISK 2.5+  driver sd  /dev/sda /dev/sg0\n"
            "      serial 0QEMU_QEMU_HARDDISK_S1\n"
            "      attach sd\n"
            "    [2:0:1:49409] wlun     driver none\n");
}

TEST(ShowTree, KeptDevicesAndTargetScansAreShown) {
  auto hosts = sample();
  hosts[0].targets[0].scan = "LUN 3 no longer reported: kept, unreported=keep (the default)";
  hosts[0].targets[0].devices[0].kept = "not removed: in use: mounted at /mnt (sda1)";
  std::string t = format_tree(hosts);
  EXPECT_NE(t.find("  target2:0:1\n    scan: LUN 3 no longer reported: kept"), std::string::npos) << t;
  EXPECT_NE(t.find("      kept not removed: in use: mounted at /mnt (sda1)\n"), std::string::npos) << t;
  std::string j = format_json(hosts);
  EXPECT_NE(j.find(R"x("kept":"not removed: in use: mounted at /mnt (sda1)")x"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("scan":"LUN 3 no longer reported)"), std::string::npos) << j;
}

TEST(ShowTree, JsonIsStableAndEscaped) {
  auto hosts = sample();
  hosts[0].targets[0].devices[0].vendor = "A\"B\\C\n\x01";
  std::string j = format_json(hosts);
  EXPECT_EQ(j.substr(0, 32), "{\"version\":1,\"hosts\":[{\"name\":\"h");
  EXPECT_NE(j.find(R"("vendor":"A\"B\\C\u000a\u0001")"), std::string::npos) << j;
  EXPECT_NE(j.find(R"("nodes":["/dev/sda","/dev/sg0"])"), std::string::npos);
  EXPECT_NE(j.find(R"("type":30,"type_name":"wlun")"), std::string::npos);
}

TEST(ShowTree, JsonKeepsValidUtf8AndEscapesInvalidBytes) {
  EXPECT_EQ(json_string("M\xc3\xbcller"), "\"M\xc3\xbcller\"");
  EXPECT_EQ(json_string("\xff\xc3"), "\"\\u00ff\\u00c3\"");
  EXPECT_EQ(json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(ShowTree, TypeNames) {
  EXPECT_EQ(device_type_name(5), "cd/dvd");
  EXPECT_EQ(device_type_name(8), "mediumx");
  EXPECT_EQ(device_type_name(0x0d), "enclosu");
  EXPECT_EQ(device_type_name(-1), "?");
  EXPECT_EQ(device_type_name(0x15), "type21");
}

}  // namespace
}  // namespace scsi_probe
