#include "scsi_address.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

TEST(ScsiAddress, ParsesSysfsName) {
  auto a = parse_scsi_address("2:0:15:16640");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, 2u);
  EXPECT_EQ(a->channel, 0u);
  EXPECT_EQ(a->target, 15u);
  EXPECT_EQ(a->lun, 16640u);
  EXPECT_EQ(format_scsi_address(*a), "2:0:15:16640");
}

TEST(ScsiAddress, AcceptsLargestLinuxLun) {
  auto a = parse_scsi_address("0:0:0:18446744073709551615");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->lun, 18446744073709551615ull);
}

TEST(ScsiAddress, RejectsMalformed) {
  for (const char* bad : {"", "1:2:3", "1:2:3:4:5", "1:2:3:", ":1:2:3", "a:0:0:0", "1:0:0:-1",
                          "1 :0:0:0", "0:0:0:18446744073709551616", "4294967296:0:0:0", "0:0:0:1x"})
    EXPECT_FALSE(parse_scsi_address(bad)) << bad;
}

TEST(ScsiAddress, ParsesTargetAndHostNames) {
  auto t = parse_target_name("target3:1:7");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, 3u);
  EXPECT_EQ(t->channel, 1u);
  EXPECT_EQ(t->id, 7u);
  EXPECT_FALSE(parse_target_name("target3:1"));
  EXPECT_FALSE(parse_target_name("3:1:7"));
  EXPECT_EQ(parse_host_name("host12"), 12u);
  EXPECT_FALSE(parse_host_name("host"));
  EXPECT_FALSE(parse_host_name("host1a"));
}

TEST(ScsiAddress, FormatsTargets) {
  EXPECT_EQ(format_scsi_target({3, 1, 7}), "3:1:7");
  EXPECT_EQ(target_of(ScsiAddress{3, 1, 7, 9}), (ScsiTarget{3, 1, 7}));
  EXPECT_EQ((ScsiTarget{3, 1, 7}.lun(9)), (ScsiAddress{3, 1, 7, 9}));
}

TEST(ScsiAddress, SysfsNamesParseBack) {
  EXPECT_EQ(target_sysname({3, 1, 7}), "target3:1:7");
  EXPECT_EQ(parse_target_name(target_sysname({3, 1, 7})), (ScsiTarget{3, 1, 7}));
  EXPECT_EQ(host_sysname(12), "host12");
  EXPECT_EQ(parse_host_name(host_sysname(12)), 12u);
}

TEST(ScsiAddress, TargetInPath) {
  auto t = target_in_path("/devices/pseudo_0/adapter0/host0/target0:0:1/0:0:1:3");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, 0u);
  EXPECT_EQ(t->channel, 0u);
  EXPECT_EQ(t->id, 1u);
  t = target_in_path("/sys/devices/pci0000:00/0000:00:04.0/host2/rport-2:0-0/target2:0:7");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host, 2u);
  EXPECT_EQ(t->id, 7u);
  EXPECT_FALSE(target_in_path("/devices/pseudo_0/adapter0/host0"));
  EXPECT_FALSE(target_in_path("/devices/x/targetX:0:1/0:0:1:3"));
  EXPECT_FALSE(target_in_path(""));
}

TEST(ScsiAddress, OrdersByHostChannelTargetLun) {
  EXPECT_LT((ScsiAddress{0, 0, 1, 0}), (ScsiAddress{0, 0, 1, 1}));
  EXPECT_LT((ScsiAddress{0, 0, 1, 99}), (ScsiAddress{0, 0, 2, 0}));
}

}  // namespace
}  // namespace scsi_probe
