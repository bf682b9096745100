#include "scsi_host.h"

#include <cerrno>

#include <gtest/gtest.h>

#include "fake_scsi_host.h"
#include "report_luns.h"

namespace scsi_probe {
namespace {

FakeScsiHost two_targets() {
  FakeScsiHost h(2);
  h.bus[{0, 0}].luns = {0, 1};
  h.bus[{0, 3}].luns = {2};
  return h;
}

TEST(ScsiHost, DerivesTargetsAndLunsFromDevices) {
  FakeScsiHost h = two_targets();
  h.add_device({2, 0, 3, 2});
  h.add_device({2, 0, 0, 1});
  h.add_device({2, 0, 0, 0});
  EXPECT_EQ(h.targets(), (std::vector<ScsiTarget>{{2, 0, 0}, {2, 0, 3}}));
  EXPECT_EQ(h.target_luns({2, 0, 0}), (std::vector<uint64_t>{0, 1}));
  EXPECT_TRUE(h.device_exists({2, 0, 3, 2}));
  EXPECT_FALSE(h.device_exists({2, 0, 3, 0}));
}

TEST(FakeScsiHost, ScanWritesFollowTheKernelsLimits) {
  FakeScsiHost h = two_targets();
  h.this_id = 7;
  EXPECT_EQ(h.scan_lun({2, 0, 0, 0}), 0);
  EXPECT_EQ(h.scan_lun({2, 1, 0, 0}), EINVAL);  // channel > max_channel
  EXPECT_EQ(h.scan_lun({2, 0, 8, 0}), EINVAL);  // id >= max_id
  EXPECT_EQ(h.scan_lun({2, 0, 0, 512}), EINVAL);  // lun >= max_lun
  EXPECT_EQ(h.scan_lun({2, 0, 7, 0}), 0);       // this_id: nothing, no error
  EXPECT_EQ(h.devices(), (std::vector<ScsiAddress>{{2, 0, 0, 0}}));
  EXPECT_EQ(h.writes(), (std::vector<std::string>{"0 0 0", "1 0 0", "0 8 0", "0 0 512", "0 7 0"}));
}

TEST(FakeScsiHost, WellKnownLunAndKernelScans) {
  FakeScsiHost h = two_targets();
  EXPECT_EQ(h.scan_lun({2, 0, 3, kReportLunsWellKnownLun}), EINVAL);  // max_lun 512
  h.max_lun = 1u << 20;
  EXPECT_EQ(h.scan_lun({2, 0, 3, kReportLunsWellKnownLun}), 0);
  EXPECT_TRUE(h.device_exists({2, 0, 3, kReportLunsWellKnownLun}));
  EXPECT_EQ(h.kernel_scan_target({2, 0, 3}), 0);
  EXPECT_TRUE(h.device_exists({2, 0, 3, 2}));
  EXPECT_EQ(h.kernel_scan_host(), 0);
  EXPECT_EQ(h.target_luns({2, 0, 0}), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(h.delete_device({2, 0, 0, 1}, "test"), 0);
  EXPECT_EQ(h.delete_device({2, 0, 0, 1}, "test"), ENOENT);
  EXPECT_EQ(h.deleted(), (std::vector<ScsiAddress>{{2, 0, 0, 1}}));
}

TEST(FakeScsiHost, FaultsAndRemoval) {
  FakeScsiHost h = two_targets();
  h.failing_writes["0 0 0"] = EIO;
  h.removed_after_writes = 1;
  EXPECT_EQ(h.scan_lun({2, 0, 0, 0}), EIO);
  EXPECT_TRUE(h.present());
  EXPECT_EQ(h.scan_lun({2, 0, 3, 2}), 0);  // being removed: succeeds, does nothing
  EXPECT_FALSE(h.present());
  EXPECT_TRUE(h.devices().empty());
}

}  // namespace
}  // namespace scsi_probe
