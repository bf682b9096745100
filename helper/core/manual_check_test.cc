#include "manual_check.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

bool mentions(const CheckReport& r, std::string_view what) {
  for (const auto& l : r.lines)
    if (l.find(what) != std::string::npos) return true;
  return false;
}

TEST(ManualCheck, SafeHosts) {
  CheckReport r = check_manual({{"host0", "ahci", HostClass::kLibata},
                                {"host1", "usb-storage", HostClass::kUsbBot},
                                {"host2", "sym53c8xx", HostClass::kParallel}}, false,
                               false, {}, std::nullopt, {});
  EXPECT_EQ(r.verdict, CheckVerdict::kSafe);
  EXPECT_TRUE(mentions(r, "host0 (ahci, libata): scanned under manual"));
  EXPECT_TRUE(mentions(r, "safe on this machine"));
}

TEST(ManualCheck, HotPlugLimitsAndBootLosses) {
  CheckReport v = check_manual({{"host0", "virtio_scsi", HostClass::kVirtioScsi}}, false, false, {},
                               std::nullopt, {});
  EXPECT_EQ(v.verdict, CheckVerdict::kLimits);
  EXPECT_TRUE(mentions(v, "limit: a disk hot-added as LUN 0 of a new target never appears"));
  CheckReport m = check_manual({{"host0", "virtio_scsi", HostClass::kVirtioScsi},
                                {"host1", "mpt3sas", HostClass::kScanStart}}, false,
                               false, {}, std::nullopt, {});
  EXPECT_EQ(m.verdict, CheckVerdict::kNotSafe);
  EXPECT_TRUE(mentions(m, "host1 (mpt3sas, scan_start): NOT scanned under manual"));
}

TEST(ManualCheck, KernelThatReportsScans) {
  // A kernel that raises SCSI_SCAN_REQUEST (kernel/patches) loses no hot-plug
  // scan; scan_start() drivers still find nothing.
  CheckReport v = check_manual({{"host0", "virtio_scsi", HostClass::kVirtioScsi}}, true, false, {},
                               std::nullopt, {});
  EXPECT_EQ(v.verdict, CheckVerdict::kSafe);
  EXPECT_FALSE(mentions(v, "limit:"));
  CheckReport m = check_manual({{"host1", "mpt3sas", HostClass::kScanStart}}, true, false, {}, std::nullopt, {});
  EXPECT_EQ(m.verdict, CheckVerdict::kNotSafe);
}

TEST(ManualCheck, IscsiNodes) {
  const std::string conf = "# comment\nnode.session.scan = auto\n node.session.scan=manual \n";
  EXPECT_EQ(iscsi_setting(conf, "node.session.scan"), "manual");
  EXPECT_EQ(iscsi_setting("# node.session.scan = manual\n", "node.session.scan"), std::nullopt);
  EXPECT_EQ(iscsi_setting("node.session.scanx = manual\n", "node.session.scan"), std::nullopt);

  std::vector<IscsiNode> nodes = {{"iqn.a/1.2.3.4,3260,1/default", "manual"},
                                  {"iqn.b/1.2.3.5,3260,1/default", std::nullopt}};
  // open-iscsi's default is auto: the second node scans by itself.
  CheckReport r = check_manual({}, false, true, nodes, std::nullopt, {});
  EXPECT_EQ(r.verdict, CheckVerdict::kLimits);
  EXPECT_TRUE(mentions(r, "iqn.b"));
  EXPECT_FALSE(mentions(r, "iqn.a"));
  // iscsid.conf sets manual for every node that does not say otherwise.
  EXPECT_EQ(check_manual({}, false, true, nodes, "manual", {}).verdict, CheckVerdict::kSafe);
  // Without open-iscsi there is nothing to check.
  EXPECT_EQ(check_manual({}, false, false, nodes, std::nullopt, {}).verdict, CheckVerdict::kSafe);
}

TEST(ManualCheck, Initramfs) {
  EXPECT_TRUE(initramfs_has_helper(
      "usr/lib/udev/scsi-probe\nusr/lib/udev/rules.d/54-scsi-probe.rules\n"));
  EXPECT_FALSE(initramfs_has_helper("usr/lib/udev/rules.d/54-scsi-probe.rules\n"));
  EXPECT_FALSE(initramfs_has_helper("usr/lib/udev/scsi-probe-fallback\n"));
  InitramfsFacts without{true, "/boot/initrd.img-6.1.0-57-amd64", false};
  CheckReport r = check_manual({}, false, false, {}, std::nullopt, without);
  EXPECT_EQ(r.verdict, CheckVerdict::kNotSafe);
  EXPECT_TRUE(mentions(r, "initrd.img-6.1.0-57-amd64: no scsi-probe in it"));
  InitramfsFacts with{true, "/boot/initrd.img", true};
  EXPECT_EQ(check_manual({}, false, false, {}, std::nullopt, with).verdict, CheckVerdict::kSafe);
  // Not inspected (no lsinitramfs, no image): nothing claimed.
  EXPECT_EQ(check_manual({}, false, false, {}, std::nullopt, {}).verdict, CheckVerdict::kSafe);
}

}  // namespace
}  // namespace scsi_probe
