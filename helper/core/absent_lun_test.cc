#include "absent_lun.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

Policy policy_of(const std::string& text) { return build_policy({{"/etc/scsi-probe.d/50-san.conf", text}}, ""); }

AbsentLunFacts present_target(uint64_t lun) {
  AbsentLunFacts f;
  f.address = {0, 0, 1, lun};
  f.scan_mode = "manual";
  f.host_exists = true;
  f.proc_name = "virtio_scsi";
  f.host_record = {{"SCSI_PROBE_HOST_CLASS", "virtio-scsi"}, {"SCSI_PROBE_REASON", "walked 0-255"}};
  f.target_exists = true;
  f.target_luns = {1, 2};
  f.target_record = {{"SCSI_PROBE_REASON", "REPORT LUNS via LUN 0: 2 LUN(s)"}, {"SCSI_PROBE_LUNS_ADDED", "2"}};
  return f;
}

std::string all_lines(const Explanation& e) { return format_explanation_text(e); }

TEST(AbsentLun, NoHost) {
  AbsentLunFacts f;
  f.address = {7, 0, 0, 0};
  f.scan_mode = "async";
  Explanation e = explain_absent_lun(f, Policy{});
  EXPECT_FALSE(e.present);
  EXPECT_EQ(e.summary, "7:0:0:0: no such device: there is no host7");
  EXPECT_EQ(e.steps.size(), 2u);  // found, policy
  EXPECT_EQ(e.steps[1].title, "policy");
}

TEST(AbsentLun, NoTarget) {
  AbsentLunFacts f = present_target(0);
  f.target_exists = false;
  f.target_record.clear();
  Explanation e = explain_absent_lun(f, Policy{});
  EXPECT_EQ(e.summary, "0:0:1:0: no such device: there is no target0:0:1: no scan of host0 found one");
  EXPECT_NE(all_lines(e).find("host0: virtio_scsi, class virtio-scsi"), std::string::npos) << all_lines(e);
  EXPECT_NE(all_lines(e).find("host walk: walked 0-255"), std::string::npos);
}

TEST(AbsentLun, TargetScanRecordAndNoLun0) {
  Explanation e = explain_absent_lun(present_target(3), Policy{});
  const std::string t = all_lines(e);
  EXPECT_EQ(e.summary, "0:0:1:3: no such device: its target's last scan did not add it (the target did not "
                       "report it, or it did not answer)");
  EXPECT_NE(t.find("LUNs there: 1 2"), std::string::npos) << t;
  EXPECT_NE(t.find("last target scan: REPORT LUNS via LUN 0: 2 LUN(s)"), std::string::npos);
  EXPECT_NE(t.find("SCSI_PROBE_LUNS_ADDED=2"), std::string::npos);
  EXPECT_NE(t.find("the target has no LUN 0 device: no quirks known"), std::string::npos);
  EXPECT_NE(t.find("instantiate: yes"), std::string::npos);
  ASSERT_TRUE(e.instantiate);
  EXPECT_TRUE(e.instantiate->instantiate);
}

TEST(AbsentLun, KernelScannedTarget) {
  AbsentLunFacts f = present_target(3);
  f.scan_mode = "async";
  f.target_record.clear();
  Explanation e = explain_absent_lun(f, Policy{});
  EXPECT_EQ(e.summary, "0:0:1:3: no such device: the kernel's scan of its target did not find it (scsi_mod.scan=async)");
  EXPECT_NE(all_lines(e).find("the kernel scans each host as it registers"), std::string::npos);
}

TEST(AbsentLun, Lun0QuirksRuleItOut) {
  AbsentLunFacts f = present_target(5);
  f.target_luns = {0};
  f.lun0_quirks = "SPARSELUN MAX5LUN";
  Explanation e = explain_absent_lun(f, Policy{});
  EXPECT_EQ(e.summary, "0:0:1:5: no such device: LUN 0's quirks say MAX5LUN: no LUN above 4 is scanned");
  EXPECT_NE(all_lines(e).find("LUN 0's quirks in force: SPARSELUN MAX5LUN"), std::string::npos);
  f.address.lun = 4;
  EXPECT_EQ(explain_absent_lun(f, Policy{}).summary.find("MAX5LUN"), std::string::npos);
}

TEST(AbsentLun, PolicySkipsTheAddress) {
  AbsentLunFacts f = present_target(2);
  f.target_luns = {1};
  Policy p = policy_of("hctl 0:0:1:2 skip\n");
  Explanation e = explain_absent_lun(f, p);
  EXPECT_EQ(e.summary.rfind("0:0:1:2: no such device: the policy does not instantiate it: ", 0), 0u) << e.summary;
  ASSERT_TRUE(e.instantiate);
  EXPECT_FALSE(e.instantiate->instantiate);
  EXPECT_EQ(e.instantiate->rule, "/etc/scsi-probe.d/50-san.conf:1");
  EXPECT_NE(all_lines(e).find("matches: /etc/scsi-probe.d/50-san.conf:1"), std::string::npos) << all_lines(e);
}

TEST(AbsentLun, PolicyMatchesTheTargetPortIdentity) {
  AbsentLunFacts f = present_target(4);
  f.target = {Transport::kFc, "0x500a098188ae2c10\n"};
  Policy p = policy_of("fc 0x500a098188ae2c10 lun 0-3 instantiate\n");
  Explanation e = explain_absent_lun(f, p);
  EXPECT_NE(all_lines(e).find("target0:0:1, fc 0x500a098188ae2c10\n"), std::string::npos) << all_lines(e);
  ASSERT_TRUE(e.instantiate);
  EXPECT_FALSE(e.instantiate->instantiate);
  EXPECT_NE(e.summary.find("the policy does not instantiate it"), std::string::npos) << e.summary;
  f.address.lun = 3;
  EXPECT_TRUE(explain_absent_lun(f, p).instantiate->instantiate);
}

}  // namespace
}  // namespace scsi_probe
