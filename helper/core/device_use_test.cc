#include "device_use.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

// sdb (8:16) with one partition sdb1 (8:17).
DeviceUseFacts disk_with_partition() {
  DeviceUseFacts f;
  f.blocks = {{"sdb", 8, 16, {}}, {"sdb1", 8, 17, {}}};
  f.mounts = {{8, 1, "/"}, {0, 22, "/proc"}};
  f.exclusive = ExclusiveOpen::kFree;
  return f;
}

TEST(DeviceUse, IdleDiskIsNotInUse) {
  UseVerdict v = decide_device_use(disk_with_partition());
  EXPECT_FALSE(v.in_use);
  EXPECT_EQ(v.reason, "not in use");
}

TEST(DeviceUse, MountedPartition) {
  DeviceUseFacts f = disk_with_partition();
  f.mounts.push_back({8, 17, "/mnt/data"});
  f.exclusive = ExclusiveOpen::kBusy;
  UseVerdict v = decide_device_use(f);
  EXPECT_TRUE(v.in_use);
  EXPECT_EQ(v.reason, "in use: mounted at /mnt/data (sdb1)");
}

TEST(DeviceUse, MountedWholeDisk) {
  DeviceUseFacts f = disk_with_partition();
  f.mounts.push_back({8, 16, "/srv"});
  EXPECT_EQ(decide_device_use(f).reason, "in use: mounted at /srv (sdb)");
}

TEST(DeviceUse, SwapArea) {
  DeviceUseFacts f = disk_with_partition();
  f.swaps.push_back({8, 17, "/dev/sdb1"});
  EXPECT_EQ(decide_device_use(f).reason, "in use: swap on /dev/sdb1 (sdb1)");
}

TEST(DeviceUse, HolderOfDiskOrPartition) {
  DeviceUseFacts f = disk_with_partition();
  f.blocks[0].holders = {"dm-0"};
  f.blocks[1].holders = {"md127"};
  EXPECT_EQ(decide_device_use(f).reason, "in use: held by dm-0 (sdb); held by md127 (sdb1)");
}

TEST(DeviceUse, OpenByAProcess) {
  DeviceUseFacts f;  // an sg-only device: no block node
  f.openers.push_back({123, "sg_dd", "/dev/sg3"});
  UseVerdict v = decide_device_use(f);
  EXPECT_TRUE(v.in_use);
  EXPECT_EQ(v.reason, "in use: open by pid 123 (sg_dd) on /dev/sg3");
}

TEST(DeviceUse, ExclusiveClaimAloneCounts) {
  // Mounted in another mount namespace: mountinfo shows nothing.
  DeviceUseFacts f = disk_with_partition();
  f.exclusive = ExclusiveOpen::kBusy;
  UseVerdict v = decide_device_use(f);
  EXPECT_TRUE(v.in_use);
  EXPECT_EQ(v.reason, "in use: claimed by the kernel (exclusive open: EBUSY)");
}

TEST(DeviceUse, UnknownFactsKeepTheDevice) {
  DeviceUseFacts f = disk_with_partition();
  f.unknown.push_back("/proc/self/mountinfo: Permission denied");
  UseVerdict v = decide_device_use(f);
  EXPECT_TRUE(v.in_use);
  EXPECT_EQ(v.reason, "in use: cannot tell (/proc/self/mountinfo: Permission denied)");
}

TEST(DeviceUse, OtherDevicesMountsDoNotCount) {
  DeviceUseFacts f = disk_with_partition();
  f.mounts.push_back({8, 33, "/mnt/other"});  // sdc1
  f.swaps.push_back({8, 18, "/dev/sdb2"});    // a partition this device does not have
  EXPECT_FALSE(decide_device_use(f).in_use);
}

TEST(DeviceUse, ParseMountinfo) {
  auto m = parse_mountinfo(
      "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
      "35 22 8:17 / /mnt/my\\040data rw - ext2 /dev/sdb1 rw\n"
      "garbage\n"
      "36 22 x:y / /bad rw - ext2 /dev/x rw");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].major, 8u);
  EXPECT_EQ(m[0].minor, 1u);
  EXPECT_EQ(m[0].where, "/");
  EXPECT_EQ(m[1].minor, 17u);
  EXPECT_EQ(m[1].where, "/mnt/my data");
}

TEST(DeviceUse, ParseSwaps) {
  auto s = parse_swaps(
      "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
      "/dev/sdb2                               partition\t1048572\t\t0\t\t-2\n"
      "/swap\\040file                          file\t\t4096\t\t0\t\t-3\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].where, "/dev/sdb2");
  EXPECT_EQ(s[1].where, "/swap file");
}

TEST(DeviceUse, ParseDeviceNumber) {
  EXPECT_EQ(parse_device_number("8:16\n"), (std::pair<unsigned, unsigned>{8, 16}));
  EXPECT_FALSE(parse_device_number("8:"));
  EXPECT_FALSE(parse_device_number(":1"));
  EXPECT_FALSE(parse_device_number("8:1x"));
  EXPECT_FALSE(parse_device_number("816"));
}

}  // namespace
}  // namespace scsi_probe
