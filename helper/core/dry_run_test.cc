#include "dry_run.h"

#include <sstream>

#include <gtest/gtest.h>

#include "fake_lun_scan_io.h"
#include "fake_scsi_host.h"
#include "lun_policy.h"
#include "lun_scan.h"
#include "report_luns.h"

namespace scsi_probe {
namespace {

using Strings = std::vector<std::string>;

// One target, 0:0:0 of host 0, on a simulated bus, scanned through the
// recording seams.
struct DryBench {
  FakeScsiHost host;
  ScsiTarget t{0, 0, 0};
  FakeLunScanIo io{host, t};
  DryRunRecord record;
  RecordingScsiHost dry{host, record};
  RecordingLunScanIo dry_io{io, dry, t, record};
  LunScanSetup setup;
  std::ostringstream err;

  DryBench(std::set<uint64_t> mapped, std::initializer_list<uint64_t> instantiated) {
    host.bus[{0, 0}].luns = std::move(mapped);
    for (uint64_t l : instantiated) host.add_device(t.lun(l));
    setup.target = t;
    setup.trigger = ScanTrigger::kRescan;
  }
  void policy(std::string_view text) {
    setup.policy = build_policy({{"/etc/scsi-probe.d/50-test.conf", std::string(text)}}, "");
  }
  TargetScanResult run() { return run_lun_scan(setup, dry, dry_io, false, err); }
  std::vector<ScsiAddress> to_add() const {
    std::vector<ScsiAddress> out;
    for (const DryRunLun& l : record.add) out.push_back(l.address);
    return out;
  }
};

// A LUN mapped on the array: REPORT LUNS through LUN 0 lists it, the dry
// run says it would be added, and the host sees no write.
TEST(DryRun, ListedLunsWouldBeAddedNothingIsWritten) {
  DryBench b({0, 1, 2, 3}, {0, 1});
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.to_add(), (std::vector<ScsiAddress>{b.t.lun(2), b.t.lun(3)}));
  EXPECT_EQ(b.record.add[0].reason, "listed by REPORT LUNS via LUN 0");
  EXPECT_EQ(r.added, 2);
  EXPECT_TRUE(b.host.writes().empty());
  EXPECT_EQ(b.host.target_luns(b.t), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(b.dry.target_luns(b.t), (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 0"}));
  EXPECT_TRUE(b.record.unknown.empty());
}

// The LUN policy decides in the dry run as in the real one.
TEST(DryRun, PolicyLeavesLunsOut) {
  DryBench b({0, 1, 2, 3}, {0});
  b.policy("hctl 0:0:0:* skip\nhctl 0:0:0:0-2 instantiate\n");
  b.run();
  EXPECT_EQ(b.to_add(), (std::vector<ScsiAddress>{b.t.lun(1), b.t.lun(2)}));
  EXPECT_TRUE(b.host.writes().empty());
}

// unreported=remove: the two checks are real (reads and the wait), the
// delete is recorded; a LUN in use is kept and said so.
TEST(DryRun, UnreportedLunsWouldBeRemovedUnlessInUse) {
  DryBench b({0, 1}, {0, 1, 2, 3});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  b.io.in_use = {3};
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 0", "INQUIRY 2", "INQUIRY 3", "wait 5 s", "REPORT LUNS 0",
                               "INQUIRY 2", "INQUIRY 3"}));
  ASSERT_EQ(b.record.remove.size(), 1u);
  EXPECT_EQ(b.record.remove[0].address, b.t.lun(2));
  EXPECT_EQ(b.record.remove[0].reason, "no longer reported, confirmed gone twice 5 s apart");
  ASSERT_EQ(b.record.keep.size(), 1u);
  EXPECT_EQ(b.record.keep[0].name, "0:0:0:3");
  EXPECT_NE(b.record.keep[0].text.find("not deleted: in use"), std::string::npos);
  EXPECT_TRUE(b.host.deleted().empty());
  EXPECT_TRUE(b.io.records.empty());  // nothing reaches the system log
  EXPECT_EQ(r.removed, 1);
}

// Without REPORT LUNS (SCSI-2) the sequential scan learns of a LUN only by
// writing it: the dry run says it cannot know, and the walk stops there.
TEST(DryRun, SequentialProbeIsUnknown) {
  DryBench b({0, 1, 2}, {0, 1});
  b.io.answering = {true, kScsiLevel2, 0};
  b.run();
  EXPECT_TRUE(b.record.add.empty());
  ASSERT_EQ(b.record.unknown.size(), 1u);
  EXPECT_EQ(b.record.unknown[0].name, "0:0:0:2");
  EXPECT_TRUE(b.host.writes().empty());
}

// The host walk: known targets are left to their own (dry) rescans, IDs
// without a target among them would be probed, and the dry run stops at
// the last known target of each channel: only a write shows the limits.
TEST(DryRun, HostWalkProbesNothing) {
  FakeScsiHost host;
  host.max_channel = 1;
  host.bus[{0, 0}].luns = {0};
  host.bus[{0, 3}].luns = {0};
  host.bus[{1, 1}].luns = {0};
  host.add_device({0, 0, 0, 0});
  host.add_device({0, 0, 3, 0});
  host.add_device({0, 1, 1, 0});
  DryRunRecord record;
  RecordingScsiHost dry(host, record);
  HostWalkSetup s;
  s.rescan = true;
  for (const ScsiTarget& t : host.targets()) s.known.insert(t);
  HostWalk walk(s);
  RecordingWalkShell shell;
  const HostWalkResult w = walk_host(dry, walk, shell);
  EXPECT_TRUE(host.writes().empty());
  EXPECT_EQ(shell.targets_to_rescan(), (std::vector<ScsiTarget>{{0, 0, 0}, {0, 0, 3}, {0, 1, 1}}));
  EXPECT_EQ(dry.probed_targets(), (std::set<ScsiTarget>{{0, 0, 1}, {0, 0, 2}, {0, 1, 0}}));
  EXPECT_EQ(w.targets_found, 0);
  EXPECT_EQ(w.stop_reason, "past the host's last channel");
  EXPECT_EQ(describe_new_target_probes(dry.probed_targets(), false, false),
            "new targets: the walk would probe each ID without a target up to the host's limits (among the "
            "known targets: 0:1 0:2 1:0; the limits only a write shows); what answers there only a scan write "
            "shows");
}

// A host whose rescan is the kernel's "- - -": one recorded write.
TEST(DryRun, KernelHostScanIsRecorded) {
  FakeScsiHost host;
  host.add_device({0, 0, 0, 0});
  DryRunRecord record;
  RecordingScsiHost dry(host, record);
  HostWalkSetup s;
  s.rescan = true;
  s.kernel_rescan = true;
  s.known = {{0, 0, 0}};
  HostWalk walk(s);
  RecordingWalkShell shell;
  const HostWalkResult w = walk_host(dry, walk, shell);
  EXPECT_TRUE(dry.kernel_host_scan());
  EXPECT_TRUE(w.kernel_host_scan);
  EXPECT_TRUE(host.writes().empty());
  EXPECT_NE(describe_new_target_probes({}, true, false).find("\"- - -\""), std::string::npos);
}

TEST(DryRun, ManyProbedIdsAreCounted) {
  std::set<ScsiTarget> probed;
  for (unsigned id = 0; id < 200; ++id) probed.insert({0, 0, id});
  EXPECT_NE(describe_new_target_probes(probed, false, false).find("0:6 0:7 ... (200 in all)"), std::string::npos);
}

// A target's kernel scan and a delete of a LUN the dry run would add.
TEST(DryRun, KernelTargetScanUnknownAndAddThenDeleteCancels) {
  FakeScsiHost host;
  host.add_device({0, 0, 0, 0});
  DryRunRecord record;
  RecordingScsiHost dry(host, record);
  dry.listed({0, 0, 0}, {0, kReportLunsWellKnownLun}, 0);
  const ScsiAddress wlun{0, 0, 0, kReportLunsWellKnownLun};
  EXPECT_EQ(dry.scan_lun(wlun), 0);
  EXPECT_TRUE(dry.device_exists(wlun));
  EXPECT_EQ(dry.delete_device(wlun, "the well-known LUN, after use"), 0);
  EXPECT_TRUE(record.add.empty());
  EXPECT_TRUE(record.remove.empty());
  EXPECT_FALSE(dry.device_exists(wlun));
  EXPECT_EQ(dry.kernel_scan_target({0, 0, 5}), 0);
  ASSERT_EQ(record.unknown.size(), 1u);
  EXPECT_EQ(record.unknown[0].name, "0:0:5");
  EXPECT_TRUE(host.writes().empty());
  EXPECT_TRUE(host.deleted().empty());
}

// A host with no target at all: nothing is known of its limits.
TEST(DryRun, EmptyHostWalkStopsAtOnce) {
  FakeScsiHost host;
  DryRunRecord record;
  RecordingScsiHost dry(host, record);
  EXPECT_EQ(dry.scan_lun({0, 0, 0, 0}), EINVAL);
  EXPECT_TRUE(dry.probed_targets().empty());
  EXPECT_EQ(describe_new_target_probes({}, false, true), "new targets: none, every remote port's target has LUNs");
}

}  // namespace
}  // namespace scsi_probe
