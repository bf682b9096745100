#include "host_walk.h"

#include <cerrno>

#include <gtest/gtest.h>

#include "fake_scsi_host.h"
#include "report_luns.h"

namespace scsi_probe {
namespace {

using std::chrono::milliseconds;
using Strings = std::vector<std::string>;

// The shell of a test: a clock each scan write advances, the change events
// it was asked for, and a watchdog that hands on what it was armed with
// when a write hangs, or before a given step (a run starved of CPU).
struct FakeShell : HostWalkShell {
  explicit FakeShell(FakeScsiHost& h, milliseconds per_write = milliseconds(10)) {
    h.on_write = [this, per_write](const std::string& w) {
      now += per_write;
      if (hang_at == w) sent = armed;
    };
  }
  milliseconds elapsed() const override { return now; }
  int send_target_change(const ScsiTarget& t) override {
    changed.push_back(t);
    return change_error;
  }
  int send_continuation(const ScsiTarget& at) override {
    continued.push_back(at);
    return 0;
  }
  std::optional<HandOff> go_on(const std::optional<WalkHandover>& h) override {
    if (steps++ == cut_before_step) sent = armed;
    if (sent) return HandOff{sent->resume_at, 0};
    armed = h;
    armings.push_back(h);
    return std::nullopt;
  }
  void kernel_rescan_starts(const std::set<ScsiTarget>& known) override { rescans_started = known; }
  void kernel_rescan_ends(bool complete) override { rescans_complete = complete; }

  milliseconds now{0};
  std::string hang_at;  // the write that hangs past the run's time
  int cut_before_step = -1;
  int steps = 0;
  std::optional<WalkHandover> armed;  // the run's arming before the walk, then each step's
  std::optional<WalkHandover> sent;
  std::vector<std::optional<WalkHandover>> armings;
  int change_error = 0;
  std::vector<ScsiTarget> changed;
  std::vector<ScsiTarget> continued;
  std::optional<std::set<ScsiTarget>> rescans_started;
  std::optional<bool> rescans_complete;
};

// A host that admits the well-known LUN (max_lun past 49409, as SAS and
// virtio-scsi hosts have).
FakeScsiHost wide_host(unsigned number = 0) {
  FakeScsiHost h(number);
  h.max_lun = 65536;
  return h;
}

HostWalkSetup setup_for(const FakeScsiHost& h) {
  HostWalkSetup s;
  s.host = h.number();
  s.this_id = h.this_id;
  for (const ScsiTarget& t : h.targets()) s.known.insert(t);
  return s;
}

HostWalkResult walk(FakeScsiHost& h, FakeShell& shell, HostWalkSetup s) {
  HostWalk w(std::move(s));
  return walk_host(h, w, shell);
}

TEST(HostWalk, WalksEachChannelUpToTheHostsLimits) {
  FakeScsiHost h = wide_host(1);
  h.max_channel = 1;
  h.max_id = 2;
  h.bus[{0, 1}].luns = {0, 3};
  h.bus[{1, 0}].luns = {0};
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  // EINVAL at ID 2 ends channel 0; EINVAL at ID 0 of channel 2 is past
  // max_channel. Each empty ID gets the well-known LUN too.
  EXPECT_EQ(h.writes(), (Strings{"0 0 0", "0 0 49409", "0 1 0", "0 2 0", "1 0 0", "1 1 0", "1 1 49409",
                                 "1 2 0", "2 0 0"}));
  EXPECT_EQ(r.targets_found, 2);
  EXPECT_EQ(r.stop_reason, "past the host's last channel");
  EXPECT_FALSE(r.continue_at);
  EXPECT_EQ(h.devices(), (std::vector<ScsiAddress>{{1, 0, 1, 0}, {1, 1, 0, 0}}));
  EXPECT_TRUE(r.notes.empty());
}

TEST(HostWalk, SkipsTheAdaptersOwnId) {
  FakeScsiHost h = wide_host();
  h.max_id = 3;
  h.this_id = 1;
  h.bus[{0, 2}].luns = {0};
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  EXPECT_EQ(h.writes(), (Strings{"0 0 0", "0 0 49409", "0 2 0", "0 3 0", "1 0 0"}));
  EXPECT_EQ(r.targets_found, 1);
}

TEST(HostWalk, AProbeLeavesTheLunScanAfterLun0OrTheWellKnownLunOnly) {
  FakeScsiHost h = wide_host();
  h.max_lun = 8;  // 49409 is past max_lun: EINVAL
  h.bus[{0, 0}].luns = {0, 1};
  h.bus[{0, 1}].luns = {2};
  bool wlun_refused = false;
  const TargetProbeResult lun0 = probe_target(h, {0, 0, 0}, wlun_refused);
  EXPECT_TRUE(probe_leaves_lun_scan(lun0, true));
  EXPECT_FALSE(probe_leaves_lun_scan(lun0, false));  // a host whose LUNs the kernel scans
  // The kernel's scan of the target found its LUNs; nothing found, nothing to scan.
  const TargetProbeResult kernel = probe_target(h, {0, 0, 1}, wlun_refused);
  EXPECT_EQ(kernel.how, TargetProbe::kKernelScan);
  EXPECT_FALSE(probe_leaves_lun_scan(kernel, true));
  EXPECT_FALSE(probe_leaves_lun_scan(probe_target(h, {0, 0, 2}, wlun_refused), true));
  FakeScsiHost w = wide_host();
  w.bus[{0, 0}].luns = {1, 2};
  bool refused = false;
  const TargetProbeResult wlun = probe_target(w, {0, 0, 0}, refused);
  EXPECT_EQ(wlun.how, TargetProbe::kWellKnownLun);
  EXPECT_TRUE(probe_leaves_lun_scan(wlun, true));
}

TEST(HostWalk, ReachesATargetWithoutLun0ThroughTheWellKnownLun) {
  FakeScsiHost h = wide_host();
  h.max_id = 1;
  h.bus[{0, 0}].luns = {1, 2};
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  EXPECT_EQ(r.targets_found, 1);
  EXPECT_EQ(r.wlun_targets, 1);
  EXPECT_EQ(r.kernel_scans, 0);
  // The target's own scan then lists its LUNs through it.
  EXPECT_EQ(h.devices(), (std::vector<ScsiAddress>{{0, 0, 0, kReportLunsWellKnownLun}}));
}

TEST(HostWalk, ATargetSilentAtTheWellKnownLunIsNotFound) {
  FakeScsiHost h = wide_host();
  h.max_id = 1;
  h.bus[{0, 0}].luns = {1};
  h.bus[{0, 0}].well_known_lun = false;
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  EXPECT_EQ(r.targets_found, 0);
  EXPECT_EQ(r.kernel_scans, 0);
  EXPECT_EQ(h.writes(), (Strings{"0 0 0", "0 0 49409", "0 1 0", "1 0 0"}));
}

TEST(HostWalk, WhereTheHostRefusesTheWellKnownLunTheKernelScansTheTarget) {
  FakeScsiHost h = wide_host();
  h.max_id = 3;
  h.max_lun = 8;  // 49409 is past max_lun: EINVAL
  h.bus[{0, 0}].luns = {0};
  h.bus[{0, 1}].luns = {2};
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  // The refusal is learnt once: the next empty ID goes to "C T -" at once.
  EXPECT_EQ(h.writes(), (Strings{"0 0 0", "0 1 0", "0 1 49409", "0 1 -", "0 2 0", "0 2 -", "0 3 0", "1 0 0"}));
  EXPECT_EQ(r.targets_found, 2);
  EXPECT_EQ(r.kernel_scans, 2);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("refuses the well-known LUN 49409"), std::string::npos);
  EXPECT_EQ(h.devices(), (std::vector<ScsiAddress>{{0, 0, 0, 0}, {0, 0, 1, 2}}));
}

TEST(HostWalk, WhereThePolicyRestrictsNothingTheRestAfterTheRefusalIsTheKernelsScanOfTheHost) {
  FakeScsiHost h = wide_host();
  h.max_channel = 1;
  h.max_id = 5;
  h.max_lun = 8;
  h.bus[{0, 0}].luns = {0, 3};     // found at LUN 0; the kernel's scan adds LUN 3
  h.bus[{0, 2}].luns = {0, 1, 5};  // LUN 0 and more: the kernel creates them all
  h.bus[{0, 3}].luns = {2};        // no LUN 0
  h.bus[{1, 4}].luns = {0};
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.host_scan_after_refusal = true;
  HostWalkResult r = walk(h, shell, s);
  // Until the refusal is seen, LUN 0 first; after it, one write for the
  // rest of the host.
  EXPECT_EQ(h.writes(), (Strings{"0 0 0", "0 1 0", "0 1 49409", "0 1 -", "- - -"}));
  EXPECT_EQ(r.targets_found, 4);  // target 0:0 counted once
  EXPECT_TRUE(r.kernel_host_scan);
  EXPECT_EQ(r.kernel_scans, 1);
  EXPECT_EQ(r.stop_reason, "the kernel's scan of the host is done");
  ASSERT_EQ(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("refuses the well-known LUN 49409"), std::string::npos);
  EXPECT_NE(r.notes[1].find("the rest of the host is the kernel's scan of the host"), std::string::npos);
  EXPECT_EQ(h.devices(), (std::vector<ScsiAddress>{{0, 0, 0, 0},
                                                   {0, 0, 0, 3},
                                                   {0, 0, 2, 0},
                                                   {0, 0, 2, 1},
                                                   {0, 0, 2, 5},
                                                   {0, 0, 3, 2},
                                                   {0, 1, 4, 0}}));
  // A walk that completed this way answers the kernel's earlier requests.
  EXPECT_TRUE(walk_complete(s, r));
}

// A host that admits the well-known LUN is walked ID by ID as before.
TEST(HostWalk, WithoutARefusalEveryIdIsProbed) {
  FakeScsiHost h = wide_host();
  h.max_id = 3;
  h.max_lun = 49410;
  h.bus[{0, 1}].luns = {0};
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.host_scan_after_refusal = true;
  HostWalkResult r = walk(h, shell, s);
  EXPECT_FALSE(r.kernel_host_scan);
  EXPECT_EQ(h.writes(), (Strings{"0 0 0", "0 0 49409", "0 1 0", "0 2 0", "0 2 49409", "0 3 0", "1 0 0"}));
}

TEST(HostWalk, TheKernelsScanOfTheHostStopsWhereTheHostGoes) {
  FakeScsiHost h = wide_host();
  h.max_lun = 8;
  h.removed_after_writes = 3;  // "0 0 0", "0 0 49409", "0 0 -"
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.host_scan_after_refusal = true;
  HostWalkResult r = walk(h, shell, s);
  EXPECT_EQ(h.writes().size(), 4u);
  EXPECT_TRUE(r.host_gone);
}

TEST(HostWalk, AKernelTargetScanThatFindsNothingCountsNoTarget) {
  FakeScsiHost h = wide_host();
  h.max_id = 1;
  h.max_lun = 8;
  h.bus[{0, 0}].luns = {2};
  h.bus[{0, 0}].kernel_scan_finds_luns = false;
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  EXPECT_EQ(r.targets_found, 0);
  EXPECT_EQ(r.kernel_scans, 1);
}

TEST(HostWalk, ABudgetSpentContinuesLaterFromTheNextId) {
  FakeScsiHost h = wide_host();
  h.max_id = 16;
  h.bus[{0, 5}].luns = {0};
  FakeShell shell(h, milliseconds(100));
  HostWalkSetup s = setup_for(h);
  s.budget = milliseconds(550);
  HostWalkResult r = walk(h, shell, s);
  // Two writes per empty ID: after three IDs (600 ms) the budget is spent.
  ASSERT_TRUE(r.continue_at);
  EXPECT_EQ(*r.continue_at, (ScsiTarget{0, 0, 3}));
  EXPECT_EQ(format_walk_cursor(*r.continue_at), "0:3");
  EXPECT_EQ(h.writes().size(), 6u);
  EXPECT_EQ(shell.continued, (std::vector<ScsiTarget>{{0, 0, 3}}));
  EXPECT_EQ(shell.armings.back(), std::nullopt);  // the run sends it itself

  // The continuation goes on from there, with a budget of its own.
  FakeShell again(h, milliseconds(100));
  s = setup_for(h);
  s.resume_at = r.continue_at;
  s.budget = milliseconds(60000);
  HostWalkResult r2 = walk(h, again, s);
  EXPECT_FALSE(r2.continue_at);
  EXPECT_EQ(h.writes()[6], "0 3 0");
  EXPECT_EQ(h.writes().back(), "1 0 0");
  EXPECT_EQ(r2.targets_found, 1);
}

TEST(HostWalk, AContinuationAtTheEndOfAChannelGoesOnToTheNext) {
  FakeScsiHost h = wide_host();
  h.max_channel = 1;
  h.max_id = 4;
  h.bus[{1, 0}].luns = {0};
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.resume_at = ScsiTarget{0, 0, 4};
  HostWalkResult r = walk(h, shell, s);
  EXPECT_EQ(h.writes(), (Strings{"0 4 0", "1 0 0", "1 1 0", "1 1 49409", "1 2 0", "1 2 49409", "1 3 0",
                                 "1 3 49409", "1 4 0", "2 0 0"}));
  EXPECT_EQ(r.targets_found, 1);
}

// A continuation from 0:2 (`cuts`: of runs cut before their first write)
// whose first write, at 0:2, hangs.
HostWalkResult hang_at_its_cursor(unsigned cuts) {
  FakeScsiHost h = wide_host();
  h.max_id = 8;
  FakeShell shell(h);
  shell.hang_at = "0 2 0";
  HostWalkSetup s = setup_for(h);
  s.resume_at = ScsiTarget{0, 0, 2};
  s.cuts = cuts;
  HostWalkResult r = walk(h, shell, s);
  EXPECT_EQ(h.writes().front(), "0 2 0");
  return r;
}

TEST(HostWalk, AHangingWriteHandsTheRestOnAndStops) {
  FakeScsiHost h = wide_host();
  h.max_id = 8;
  h.bus[{0, 4}].luns = {0};
  FakeShell shell(h);
  shell.hang_at = "0 2 0";
  HostWalkResult r = walk(h, shell, setup_for(h));
  ASSERT_TRUE(r.handed_on);
  EXPECT_EQ(*r.handed_on, (ScsiTarget{0, 0, 2}));  // probed again once the write is over
  EXPECT_EQ(h.writes().back(), "0 2 49409");        // the probe itself ends
  EXPECT_FALSE(r.continue_at);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0],
            "the run outlasted its time (a scan write that hung, a machine short of CPU): its watchdog handed the "
            "rest on from 0:2");

  // The continuation of a hang that hangs again at the same ID skips it.
  HostWalkResult r2 = hang_at_its_cursor(0);
  ASSERT_TRUE(r2.handed_on);
  EXPECT_EQ(*r2.handed_on, (ScsiTarget{0, 0, 3}));
}

// Where a cut run's successor goes on, step by step: the run's own start
// (one cut more) until its first probe, then each probe's ID; a known
// target's change event keeps what was before; nothing during the kernel's
// scan of the host or once the walk is over.
TEST(HostWalkCut, HandoverAlongAWalk) {
  FakeScsiHost h = wide_host();
  h.max_id = 3;
  HostWalkSetup s = setup_for(h);
  s.known.insert({0, 0, 0});
  s.rescan = true;
  s.resume_at = ScsiTarget{0, 0, 0};
  s.cuts = 1;
  HostWalk w(s);
  using H = std::optional<WalkHandover>;
  EXPECT_EQ(w.handover(), (H{{{0, 0, 0}, 2}}));
  EXPECT_EQ(w.next(milliseconds(0)).kind, HostWalkStep::Kind::kLeaveToChangeEvent);
  EXPECT_EQ(w.handover(), (H{{{0, 0, 0}, 2}}));
  w.change_event_sent(0);
  HostWalkStep st = w.next(milliseconds(0));
  ASSERT_EQ(st.kind, HostWalkStep::Kind::kProbe);
  EXPECT_EQ(w.handover(), (H{{{0, 0, 1}, 0}}));
  w.probed({TargetProbe::kNothing, false, {}});
  st = w.next(milliseconds(0));
  ASSERT_EQ(st.kind, HostWalkStep::Kind::kProbe);
  EXPECT_EQ(w.handover(), (H{{{0, 0, 2}, 0}}));
  w.probed({TargetProbe::kPastLimits, false, {}});
  w.next(milliseconds(0));  // channel 1, ID 0
  w.probed({TargetProbe::kPastLimits, false, {}});
  EXPECT_EQ(w.next(milliseconds(0)).kind, HostWalkStep::Kind::kStop);
  EXPECT_EQ(w.handover(), std::nullopt);

  s.resume_at.reset();
  s.cuts = 0;
  s.kernel_rescan = true;
  HostWalk k(s);
  EXPECT_EQ(k.handover(), (H{{{0, 0, 0}, 1}}));
  EXPECT_EQ(k.next(milliseconds(0)).kind, HostWalkStep::Kind::kKernelScanHost);
  EXPECT_EQ(k.handover(), std::nullopt);

  // A transport host's rescan has no cursor to go on from.
  s.kernel_rescan = false;
  s.port_targets = std::vector<ScsiTarget>{{0, 0, 2}};
  HostWalk p(s);
  EXPECT_EQ(p.handover(), std::nullopt);
  EXPECT_EQ(p.next(milliseconds(0)).kind, HostWalkStep::Kind::kProbe);
  EXPECT_EQ(p.handover(), std::nullopt);
}

TEST(HostWalkCut, ARunStarvedBetweenWritesHandsOnFromItsLastProbe) {
  FakeScsiHost h = wide_host();
  h.max_id = 8;
  FakeShell shell(h);
  shell.cut_before_step = 3;
  HostWalkResult r = walk(h, shell, setup_for(h));
  ASSERT_TRUE(r.handed_on);
  EXPECT_EQ(*r.handed_on, (ScsiTarget{0, 0, 2}));
  EXPECT_EQ(h.writes(), (Strings{"0 0 0", "0 0 49409", "0 1 0", "0 1 49409", "0 2 0", "0 2 49409"}));
  EXPECT_EQ(r.stop_reason, "the run was cut: the rest handed on");
}

TEST(HostWalkCut, ARunCutBeforeItsFirstWriteWritesNothing) {
  FakeScsiHost h = wide_host();
  h.max_id = 8;
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.resume_at = ScsiTarget{0, 0, 5};
  shell.armed = HostWalk(s).handover();  // as the run arms its watchdog before the walk
  shell.cut_before_step = 0;
  HostWalkResult r = walk(h, shell, s);
  ASSERT_TRUE(r.handed_on);
  EXPECT_EQ(*r.handed_on, (ScsiTarget{0, 0, 5}));
  EXPECT_EQ(*shell.sent, (WalkHandover{{0, 0, 5}, 1}));
  EXPECT_TRUE(h.writes().empty());
  EXPECT_FALSE(walk_complete(s, r));
}

// The budget spent after the watchdog cut the run: its hand-off stands, and
// the run sends no continuation of its own.
TEST(HostWalkCut, TheWatchdogsHandOffWinsOverTheBudget) {
  FakeScsiHost h = wide_host();
  h.max_id = 16;
  FakeShell shell(h, milliseconds(100));
  shell.hang_at = "0 1 49409";
  HostWalkSetup s = setup_for(h);
  s.budget = milliseconds(350);
  HostWalkResult r = walk(h, shell, s);
  ASSERT_TRUE(r.handed_on);
  EXPECT_EQ(*r.handed_on, (ScsiTarget{0, 0, 1}));
  EXPECT_FALSE(r.continue_at);
  EXPECT_TRUE(shell.continued.empty());
}

// The walk's clock counts from the process's start: a run that starts past
// its budget still probes one ID, or a chain of late runs would go on for
// ever without a write.
TEST(HostWalkCut, ARunStartedPastItsBudgetStillProbesOneId) {
  FakeScsiHost h = wide_host();
  h.max_id = 8;
  FakeShell shell(h);
  shell.now = milliseconds(7000);
  HostWalkSetup s = setup_for(h);
  s.resume_at = ScsiTarget{0, 0, 3};
  s.budget = milliseconds(5000);
  HostWalkResult r = walk(h, shell, s);
  EXPECT_EQ(h.writes(), (Strings{"0 3 0", "0 3 49409"}));
  ASSERT_TRUE(r.continue_at);
  EXPECT_EQ(*r.continue_at, (ScsiTarget{0, 0, 4}));
}

TEST(HostWalkCut, TwoRunsCutInARowLeaveTheHostToTheKernelsScan) {
  FakeScsiHost h = wide_host();
  h.max_id = 4;
  h.bus[{0, 3}].luns = {0, 1};
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.resume_at = ScsiTarget{0, 0, 2};
  s.cuts = kMaxCutsInARow;
  HostWalkResult r = walk(h, shell, s);
  EXPECT_EQ(h.writes(), (Strings{"- - -"}));
  EXPECT_TRUE(r.kernel_host_scan);
  EXPECT_EQ(r.targets_found, 1);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "the last 2 runs were cut before their first write: the kernel's scan of the host (\"- - -\")");
  EXPECT_EQ(shell.armings, (std::vector<std::optional<WalkHandover>>{std::nullopt, std::nullopt}));
}

// A run cut before its first write never probed its cursor: should that
// probe hang in its successor, the next one probes it again.
TEST(HostWalkCut, ACutRunsCursorIsProbedAgainAfterAHang) {
  HostWalkResult r = hang_at_its_cursor(1);
  ASSERT_TRUE(r.handed_on);
  EXPECT_EQ(*r.handed_on, (ScsiTarget{0, 0, 2}));
}

TEST(HostWalk, StopsWhenTheHostIsGone) {
  FakeScsiHost h = wide_host();
  h.max_id = 8;
  h.failing_writes["0 3 0"] = ENODEV;
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  EXPECT_TRUE(r.host_gone);
  EXPECT_EQ(h.writes().back(), "0 3 0");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "host gone at 0:3 (scan: No such device): walk stopped");
}

TEST(HostWalk, StopsWhenTheHostIsBeingRemoved) {
  FakeScsiHost h = wide_host();
  h.max_id = 8;
  h.removed_after_writes = 4;  // its writes then succeed and do nothing
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  EXPECT_TRUE(r.host_gone);
  EXPECT_EQ(h.writes().size(), 5u);
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_EQ(r.notes[0], "host removed at 0:2: walk stopped");
}

TEST(HostWalk, AFailedWriteIsNotedAndTheWalkGoesOn) {
  FakeScsiHost h = wide_host();
  h.max_id = 2;
  h.failing_writes["0 0 0"] = EIO;
  h.bus[{0, 1}].luns = {0};
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, setup_for(h));
  EXPECT_EQ(r.targets_found, 1);
  EXPECT_EQ(r.notes, (Strings{"scan 0:0: Input/output error"}));
}

TEST(HostWalk, OnARescanKnownTargetsGetTheirOwnChangeEvents) {
  FakeScsiHost h = wide_host(3);
  h.max_id = 4;
  h.bus[{0, 1}].luns = {0, 1};
  h.bus[{0, 2}].luns = {0};
  h.add_device({3, 0, 1, 0});
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.rescan = true;
  HostWalkResult r = walk(h, shell, s);
  EXPECT_EQ(shell.changed, (std::vector<ScsiTarget>{{3, 0, 1}}));
  EXPECT_EQ(r.rescanned, 1);
  EXPECT_EQ(r.targets_found, 1);  // the new one at ID 2
  for (const std::string& w : h.writes()) EXPECT_NE(w.substr(0, 4), "0 1 ");

  // An add event leaves them alone; a failed event is noted.
  FakeShell add(h);
  s = setup_for(h);
  walk(h, add, s);
  EXPECT_TRUE(add.changed.empty());
  FakeShell failing(h);
  failing.change_error = ENODEV;
  s.rescan = true;
  HostWalkResult r3 = walk(h, failing, s);
  EXPECT_EQ(r3.rescanned, 0);
  EXPECT_EQ(r3.notes, (Strings{"target 3:0:1: no change event: No such device",
                               "target 3:0:2: no change event: No such device"}));
}

TEST(HostWalk, StopsAtTheLastIdItWalks) {
  FakeScsiHost h = wide_host();
  h.max_id = kMaxIdsPerChannel + 10;
  h.max_lun = 8;
  FakeShell shell(h, milliseconds(0));
  HostWalkResult r = walk(h, shell, setup_for(h));
  EXPECT_EQ(r.notes.back(), "stopped at ID 65536 of channel 0");
  EXPECT_EQ(h.writes().back(), "1 0 0");
}

TEST(HostWalk, TransportHostsProbeThePortsTargetsOnARescan) {
  FakeScsiHost h = wide_host(5);
  h.max_id = 1000;
  h.bus[{0, 7}].luns = {0};
  h.bus[{0, 9}].luns = {1};
  h.bus[{0, 12}].luns = {0};
  h.add_device({5, 0, 12, 0});
  HostWalkSetup s = setup_for(h);
  s.port_targets = std::vector<ScsiTarget>{{5, 0, 7}, {5, 0, 9}, {5, 0, 12}};
  FakeShell add(h);
  HostWalkResult r = walk(h, add, s);
  EXPECT_TRUE(h.writes().empty());  // an add: the ports' own events
  EXPECT_EQ(r.targets_found, 0);

  s.rescan = true;
  FakeShell shell(h);
  r = walk(h, shell, s);
  EXPECT_EQ(h.writes(), (Strings{"0 7 0", "0 9 0", "0 9 49409"}));
  EXPECT_EQ(r.targets_found, 2);
  EXPECT_EQ(r.wlun_targets, 1);
  EXPECT_EQ(shell.changed, (std::vector<ScsiTarget>{{5, 0, 12}}));
}

TEST(HostWalk, ARequestedTargetIsProbedAloneWhenNew) {
  // virtio_scsi hot-add of LUN 0 on target 3 under a patched manual: "0 3 -".
  FakeScsiHost h = wide_host(2);
  h.max_id = 255;
  h.bus[{0, 0}].luns = {0};
  h.bus[{0, 1}].luns = {0};  // not instantiated: not this request's business
  h.bus[{0, 3}].luns = {0, 1};
  h.add_device({2, 0, 0, 0});
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, requested_target_walk({2, 0, 3}, h.targets(), milliseconds(60000)));
  EXPECT_EQ(h.writes(), (Strings{"0 3 0"}));
  EXPECT_EQ(r.targets_found, 1);
  EXPECT_TRUE(shell.changed.empty());
}

TEST(HostWalk, ARequestedTargetWithoutLun0IsReachedAsAnyOther) {
  FakeScsiHost h = wide_host(2);
  h.max_id = 255;
  h.bus[{0, 4}].luns = {2};
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, requested_target_walk({2, 0, 4}, h.targets(), milliseconds(60000)));
  EXPECT_EQ(h.writes(), (Strings{"0 4 0", "0 4 49409"}));
  EXPECT_EQ(r.wlun_targets, 1);
}

TEST(HostWalk, AKnownRequestedTargetIsLeftToItsChangeEventAlone) {
  FakeScsiHost h = wide_host(2);
  h.bus[{0, 0}].luns = {0};
  h.bus[{0, 3}].luns = {0};
  h.add_device({2, 0, 0, 0});
  h.add_device({2, 0, 3, 0});
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, requested_target_walk({2, 0, 3}, h.targets(), milliseconds(60000)));
  EXPECT_TRUE(h.writes().empty());
  EXPECT_EQ(shell.changed, (std::vector<ScsiTarget>{{2, 0, 3}}));
  EXPECT_EQ(r.rescanned, 1);
}

TEST(HostWalk, ARequestedTargetPastTheHostsLimitsFindsNothing) {
  FakeScsiHost h = wide_host(2);
  h.max_id = 7;
  FakeShell shell(h);
  HostWalkResult r = walk(h, shell, requested_target_walk({2, 0, 9}, h.targets(), milliseconds(60000)));
  EXPECT_EQ(h.writes(), (Strings{"0 9 0"}));
  EXPECT_EQ(r.targets_found, 0);
  EXPECT_TRUE(shell.changed.empty());
}

TEST(HostWalk, AKernelRescanIsOneWriteThatRescansKnownTargetsAndFindsNewOnes) {
  FakeScsiHost h = wide_host(2);
  h.max_id = 255;
  h.bus[{0, 0}].luns = {0, 1, 2};  // LUN 2 mapped since
  h.bus[{0, 9}].luns = {0};        // a new target
  h.add_device({2, 0, 0, 0});
  h.add_device({2, 0, 0, 1});
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.rescan = true;
  s.kernel_rescan = true;
  HostWalkResult r = walk(h, shell, s);
  EXPECT_EQ(h.writes(), (Strings{"- - -"}));
  EXPECT_TRUE(r.kernel_host_scan);
  EXPECT_EQ(r.targets_found, 1);
  EXPECT_EQ(r.rescanned, 1);
  EXPECT_TRUE(shell.changed.empty());  // the kernel rescanned them: no change events
  EXPECT_EQ(shell.rescans_started, (std::set<ScsiTarget>{{2, 0, 0}}));
  EXPECT_EQ(shell.rescans_complete, true);
  EXPECT_EQ(h.devices(), (std::vector<ScsiAddress>{{2, 0, 0, 0}, {2, 0, 0, 1}, {2, 0, 0, 2}, {2, 0, 9, 0}}));
}

TEST(HostWalk, AKernelRescanOfAHostBeingRemovedIsNotComplete) {
  FakeScsiHost h = wide_host();
  h.bus[{0, 0}].luns = {0};
  h.add_device({0, 0, 0, 0});
  h.removed_after_writes = 0;
  FakeShell shell(h);
  HostWalkSetup s = setup_for(h);
  s.rescan = true;
  s.kernel_rescan = true;
  HostWalkResult r = walk(h, shell, s);
  EXPECT_TRUE(r.host_gone);
  EXPECT_EQ(shell.rescans_complete, false);
  EXPECT_EQ(r.rescanned, 0);
}

TEST(HostWalk, OnlyAWalkOfTheWholeHostFromItsStartIsComplete) {
  auto run = [](FakeScsiHost h, HostWalkSetup s, const std::string& hang_at = "") {
    FakeShell shell(h, milliseconds(100));
    shell.hang_at = hang_at;
    HostWalk w(s);
    const HostWalkResult r = walk_host(h, w, shell);
    return walk_complete(w.setup(), r);
  };
  FakeScsiHost h = wide_host();
  h.max_id = 4;
  HostWalkSetup s = setup_for(h);
  EXPECT_TRUE(run(h, s));
  s.budget = milliseconds(250);
  EXPECT_FALSE(run(h, s));  // cut by its budget
  s.budget = milliseconds(60000);
  EXPECT_FALSE(run(h, s, "0 1 0"));  // a hanging write handed the rest on
  s.resume_at = ScsiTarget{0, 0, 2};
  EXPECT_FALSE(run(h, s));  // a continuation covers the rest only
  s.resume_at.reset();

  s.rescan = true;
  s.kernel_rescan = true;
  EXPECT_TRUE(run(h, s));
  FakeScsiHost failing = h;
  failing.failing_writes["- - -"] = EIO;
  EXPECT_FALSE(run(failing, s));
  FakeScsiHost removed = h;
  removed.removed_after_writes = 0;
  EXPECT_FALSE(run(removed, s));
}

TEST(ChooseKernelRescan, OnlyARescanWithNothingThePolicyOrTheWalkAloneWouldDoDifferently) {
  KernelRescanFacts f;
  f.host = 2;
  f.rescan = true;
  EXPECT_TRUE(choose_kernel_rescan(Policy{}, f).yes);
  f.rescan = false;
  EXPECT_FALSE(choose_kernel_rescan(Policy{}, f).yes);
  f.rescan = true;
  f.continuation = true;
  EXPECT_FALSE(choose_kernel_rescan(Policy{}, f).yes);
  f.continuation = false;
  f.target_without_lun0 = true;
  EXPECT_FALSE(choose_kernel_rescan(Policy{}, f).yes);
  f.target_without_lun0 = false;

  auto policy = [](const std::string& text) { return build_policy({{"/etc/scsi-probe.d/p.conf", text}}, ""); };
  // Rules that cannot leave out or remove a LUN of host 2.
  EXPECT_TRUE(choose_kernel_rescan(policy("hctl 0:*:*:* skip\nhctl 1:0:0:0 instantiate\n"), f).yes);
  EXPECT_TRUE(choose_kernel_rescan(policy("hctl *:*:*:* no-attach\nwwn naa.5000c500a1b2c3d4 no-attach\n"), f).yes);
  EXPECT_TRUE(choose_kernel_rescan(policy("fc 0x500A09818D3A7F00 skip\n"), f).yes);
  // Rules that can.
  KernelRescanChoice c = choose_kernel_rescan(policy("hctl 2:0:0:1 skip\n"), f);
  EXPECT_FALSE(c.yes);
  EXPECT_EQ(c.reason, "the LUN policy may leave out or remove LUNs of this host (/etc/scsi-probe.d/p.conf:1)");
  EXPECT_FALSE(choose_kernel_rescan(policy("hctl *:0:0:0-3 instantiate\n"), f).yes);
  EXPECT_FALSE(choose_kernel_rescan(policy("hctl 2:*:*:* unreported=remove\n"), f).yes);
  EXPECT_FALSE(choose_kernel_rescan(policy("wwn naa.5000c500a1b2c3d4 skip\n"), f).yes);
  f.transport = "fc";
  EXPECT_FALSE(choose_kernel_rescan(policy("fc 0x500A09818D3A7F00 skip\n"), f).yes);
}

TEST(RuleRestrictingHost, NamesTheFirstRuleThatMayLeaveOutOrRemoveALunOfTheHost) {
  auto policy = [](const std::string& text) { return build_policy({{"/etc/scsi-probe.d/p.conf", text}}, ""); };
  EXPECT_EQ(rule_restricting_host(Policy{}, 2, ""), std::nullopt);
  EXPECT_EQ(rule_restricting_host(policy("hctl 0:*:*:* skip\nhctl *:*:*:* no-attach\n"), 2, ""), std::nullopt);
  EXPECT_EQ(rule_restricting_host(policy("hctl 0:*:*:* skip\nhctl 2:0:0:1 skip\n"), 2, ""),
            "/etc/scsi-probe.d/p.conf:2");
  EXPECT_EQ(rule_restricting_host(policy("iscsi iqn.2003-01.org.example:t1 skip\n"), 2, "spi"), std::nullopt);
  EXPECT_EQ(rule_restricting_host(policy("iscsi iqn.2003-01.org.example:t1 skip\n"), 2, "iscsi"),
            "/etc/scsi-probe.d/p.conf:1");
}

TEST(ProbeTarget, PastTheLimitsIsEinval) {
  FakeScsiHost h = wide_host();
  bool refused = false;
  EXPECT_EQ(probe_target(h, {0, 0, 8}, refused).how, TargetProbe::kPastLimits);
  EXPECT_EQ(probe_target(h, {0, 1, 0}, refused).how, TargetProbe::kPastLimits);
  EXPECT_FALSE(refused);
}

}  // namespace
}  // namespace scsi_probe
