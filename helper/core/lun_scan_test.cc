#include "lun_scan.h"

#include <cerrno>
#include <sstream>

#include <gtest/gtest.h>

#include "fake_lun_scan_io.h"
#include "fake_scsi_host.h"
#include "report_luns.h"

namespace scsi_probe {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Strings = std::vector<std::string>;

constexpr uint64_t kWlun = kReportLunsWellKnownLun;

// One target, 0:0:0 of host 0, on a simulated bus.
struct Bench {
  FakeScsiHost host;
  ScsiTarget t{0, 0, 0};
  FakeLunScanIo io{host, t};
  LunScanSetup setup;
  std::ostringstream err;
  LunScanGuard* guard = nullptr;

  explicit Bench(std::set<uint64_t> mapped, ScanTrigger trigger = ScanTrigger::kRescan) {
    host.bus[{0, 0}].luns = std::move(mapped);
    setup.target = t;
    setup.trigger = trigger;
  }
  void have(std::initializer_list<uint64_t> luns) {
    for (uint64_t l : luns) host.add_device(t.lun(l));
  }
  void policy(std::string_view text) {
    setup.policy = build_policy({{"/etc/scsi-probe.d/50-test.conf", std::string(text)}}, "");
  }
  TargetScanResult run(bool verbose = false) { return run_lun_scan(setup, host, io, verbose, err, guard); }
  Strings writes() const { return host.writes(); }
  std::vector<uint64_t> luns() const { return host.target_luns(t); }
};

// Whether an entry of `lines` holds `part`.
bool has(const Strings& lines, std::string_view part) {
  for (const auto& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

// --- The stepper itself ------------------------------------------------------------

// It acts only through the actions it hands out, one outcome at a time.
TEST(LunScanStepper, NamesEachActionAndWaitsForItsOutcome) {
  LunScanSetup setup;
  setup.target = {0, 0, 0};
  LunScan scan(setup);
  LunScanAction a = scan.next();
  EXPECT_EQ(a.step, LunScanStep::kListLuns);
  LunScanOutcome o;
  o.luns = {0};
  scan.feed(o);
  a = scan.next();
  EXPECT_EQ(a.step, LunScanStep::kReadAnsweringLun);
  EXPECT_EQ(a.lun, 0u);
  o = {};
  o.answering = {true, 7, kBlistNolun};
  scan.feed(o);
  EXPECT_EQ(scan.next().step, LunScanStep::kDone);
  EXPECT_EQ(scan.next().step, LunScanStep::kDone);
  EXPECT_TRUE(has(scan.result().reasons, "BLIST_NOLUN: no LUN past 0"));
  // A scan dropped half-way frees its stages.
  LunScan dropped(setup);
  EXPECT_EQ(dropped.next().step, LunScanStep::kListLuns);
}

// --- Which LUN carries REPORT LUNS ---------------------------------------------

// sdebug-targets-luns: the host walk wrote "C T 0"; the add event lists the rest.
TEST(LunScan, ReportLunsThroughLun0) {
  Bench b({0, 1, 2, 5}, ScanTrigger::kTargetAdded);
  b.have({0});
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2", "0 0 5"}));
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 0"}));
  EXPECT_EQ(r.added, 3);
  EXPECT_EQ(r.commands, 1);
  EXPECT_FALSE(r.kernel_fallback);
  EXPECT_FALSE(r.continue_at.has_value());
  EXPECT_TRUE(has(r.reasons, "REPORT LUNS via LUN 0: 4 LUN(s)"));
  EXPECT_TRUE(b.host.deleted().empty());
}

// sdebug-no-lun0: no LUN 0; the well-known LUN carries REPORT LUNS and goes after use.
TEST(LunScan, WellKnownLunThenItsDeletion) {
  Bench b({1, 2}, ScanTrigger::kTargetAdded);
  b.host.max_lun = 49410;
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 49409", "0 0 1", "0 0 2"}));
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 49409"}));
  EXPECT_EQ(b.host.deleted(), (std::vector<ScsiAddress>{b.t.lun(kWlun)}));
  EXPECT_EQ(b.luns(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(r.added, 2);
  EXPECT_NE(b.err.str().find("scsi-probe target 0:0:0: LUN 49409 deleted: the well-known LUN, after use"),
            std::string::npos);
}

// A well-known LUN in use (opened through its bsg node) is kept, and said so.
TEST(LunScan, WellKnownLunInUseIsKept) {
  Bench b({1}, ScanTrigger::kTargetAdded);
  b.host.max_lun = 49410;
  b.io.in_use = {kWlun};
  const TargetScanResult r = b.run();
  EXPECT_TRUE(b.host.deleted().empty());
  EXPECT_TRUE(has(r.reasons, "LUN 49409 kept (the well-known LUN, after use): in use"));
  ASSERT_EQ(b.io.records.size(), 1u);
  EXPECT_EQ(b.io.records[0].action, "keep");
  EXPECT_EQ(b.io.records[0].object, "0:0:0:49409");
}

// A rescan of a target without LUN 0 goes through a LUN it has: nothing written first.
TEST(LunScan, ExistingLunCarriesReportLuns) {
  Bench b({3, 4});
  b.have({3});
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 3"}));
  EXPECT_EQ(b.writes(), (Strings{"0 0 4"}));
  EXPECT_EQ(r.added, 1);
  EXPECT_TRUE(b.host.deleted().empty());
}

// A target that answers neither at LUN 0 nor at the well-known LUN gets the
// kernel's scan, which finds its LUNs through REPORT LUNS to LUN 0 itself.
TEST(LunScan, KernelFallbackWhenNoWellKnownLunAppears) {
  Bench b({1, 2}, ScanTrigger::kTargetAdded);
  b.host.max_lun = 49410;
  b.host.bus[{0, 0}].well_known_lun = false;
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 49409", "0 0 -"}));
  EXPECT_TRUE(r.kernel_fallback);
  EXPECT_EQ(r.added, 2);
  EXPECT_TRUE(b.io.log.empty());
  EXPECT_TRUE(has(r.reasons, "no well-known LUN 49409 appeared: kernel scan of this target"));
}

// virtio-scsi and the like: max_lun refuses 49409 (EINVAL).
TEST(LunScan, KernelFallbackWhenTheHostRefusesTheWellKnownLun) {
  Bench b({1}, ScanTrigger::kTargetAdded);
  const TargetScanResult r = b.run(true);
  EXPECT_EQ(b.writes(), (Strings{"0 0 49409", "0 0 -"}));
  EXPECT_TRUE(r.kernel_fallback);
  EXPECT_TRUE(has(r.reasons, "LUN 49409 past the host's max_lun"));
  EXPECT_NE(b.err.str().find("scan \"0 0 49409\": Invalid argument"), std::string::npos);
}

// --- Sequential -------------------------------------------------------------------

TEST(LunScan, SequentialStopsAtTheFirstGap) {
  Bench b({0, 1, 2, 4}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.io.answering = {true, kScsiLevel2, 0};
  const TargetScanResult r = b.run();
  EXPECT_TRUE(b.io.log.empty());
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2", "0 0 3"}));
  EXPECT_EQ(r.added, 2);
  EXPECT_TRUE(has(r.reasons, "without BLIST_REPORTLUN2"));
}

TEST(LunScan, SparseSequentialGoesPastGaps) {
  Bench b({0, 1, 2, 4}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.io.answering = {true, kScsiLevel2, kBlistSparselun};
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2", "0 0 3", "0 0 4", "0 0 5", "0 0 6", "0 0 7"}));
  EXPECT_EQ(r.added, 3);
}

// A rescan walks past the LUNs there already and counts only new ones.
TEST(LunScan, SequentialRescanPassesExistingLuns) {
  Bench b({0, 1, 2});
  b.have({0, 1});
  b.io.answering = {true, kScsiLevel2, 0};
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 2", "0 0 3"}));
  EXPECT_EQ(r.added, 1);
}

TEST(LunScan, NoLunQuirkScansNothingPastLun0) {
  Bench b({0, 1, 2}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.io.answering = {true, 7, kBlistNolun};
  const TargetScanResult r = b.run();
  EXPECT_TRUE(b.writes().empty());
  EXPECT_TRUE(b.io.log.empty());
  EXPECT_EQ(r.added, 0);
  EXPECT_TRUE(has(r.reasons, "BLIST_NOLUN"));
}

// quirk-max5lun: BLIST_NOREPORTLUN | BLIST_MAX5LUN.
TEST(LunScan, Max5LunQuirkCapsTheWalk) {
  Bench b({0, 1, 2, 3, 4, 5, 6, 7}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.io.answering = {true, 7, kBlistNoreportlun | kBlistMax5lun};
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2", "0 0 3", "0 0 4"}));
  EXPECT_EQ(r.added, 4);
}

// usb-bot-luns: usb-storage sets no_report_luns.
TEST(LunScan, NoReportLunsTargetIsWalked) {
  Bench b({0, 1}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.setup.no_report_luns = true;
  b.io.answering = {true, kScsiLevel2, 0};
  const TargetScanResult r = b.run();
  EXPECT_TRUE(b.io.log.empty());
  EXPECT_EQ(r.added, 1);
}

// fault-report-luns-fails: the sequential walk instead, after the well-known LUN went.
TEST(LunScan, FailedReportLunsFallsBackToTheWalk) {
  Bench b({1, 2}, ScanTrigger::kTargetAdded);
  b.host.max_lun = 49410;
  b.io.report_luns_error = "ILLEGAL REQUEST";
  const TargetScanResult r = b.run();
  EXPECT_TRUE(has(r.reasons, "REPORT LUNS via LUN 49409: ILLEGAL REQUEST"));
  EXPECT_EQ(b.host.deleted(), (std::vector<ScsiAddress>{b.t.lun(kWlun)}));
  EXPECT_EQ(b.writes(), (Strings{"0 0 49409", "0 0 1", "0 0 2", "0 0 3"}));
  EXPECT_EQ(r.added, 2);
}

// --- Limits, budget, host gone --------------------------------------------------------

TEST(LunScan, LunsPastMaxLunAreRefused) {
  Bench b({0, 1, 2, 3, 4}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.host.max_lun = 3;
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2", "0 0 3", "0 0 4"}));
  EXPECT_EQ(r.added, 2);
  EXPECT_TRUE(has(r.reasons, "LUN 3 past the host's max_lun"));
  EXPECT_TRUE(has(r.reasons, "LUN 4 past the host's max_lun"));
}

// fault-report-luns-16384 in small: a run writes at most its slice, the
// cursor carries the rest, and the chain covers every LUN once.
TEST(LunScan, WriteBudgetAndContinuationCursor) {
  Bench b({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.setup.budget = {4, milliseconds(30000)};
  TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2", "0 0 3", "0 0 4"}));
  EXPECT_EQ(r.continue_at, 5u);
  int added = r.added;
  int runs = 1;
  while (r.continue_at) {
    b.setup.cursor = *r.continue_at;
    r = b.run();
    added += r.added;
    ++runs;
  }
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(added, 9);
  EXPECT_EQ(b.writes().size(), 9u);
  EXPECT_EQ(b.luns().size(), 10u);
}

TEST(LunScan, TimeBudgetHandsTheRestOn) {
  Bench b({0, 1, 2, 3, 4}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.setup.budget = {256, milliseconds(30000)};
  b.host.on_write = [&](const std::string&) { b.io.now += seconds(20); };
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2"}));
  EXPECT_EQ(r.continue_at, 3u);
}

// A continuation never removes: only the run that ends the list does.
TEST(LunScan, NoRemovalWhileTheListGoesOn) {
  Bench b({0, 1, 2});
  b.have({0, 7});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  b.setup.budget = {1, milliseconds(30000)};
  const TargetScanResult r = b.run();
  EXPECT_TRUE(r.continue_at.has_value());
  EXPECT_TRUE(b.host.deleted().empty());
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 0"}));
}

// The host is being removed: writes succeed and do nothing.
TEST(LunScan, HostRemovedMidScanStops) {
  Bench b({0, 1, 2, 3, 4, 5}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.host.removed_after_writes = 2;
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2", "0 0 3"}));
  EXPECT_TRUE(r.host_gone);
  EXPECT_FALSE(r.continue_at.has_value());
  EXPECT_EQ(r.added, 2);
  EXPECT_TRUE(has(r.reasons, "host removed at LUN 3: scan stopped"));
}

// The host's sysfs folder went away under the write.
TEST(LunScan, HostGoneMidScanStops) {
  Bench b({0, 1, 2, 3}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.host.failing_writes["0 0 2"] = ENODEV;
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2"}));
  EXPECT_TRUE(r.host_gone);
  EXPECT_TRUE(has(r.reasons, "host gone at LUN 2 (scan: No such device): scan stopped"));
}

// --- Runs cut by their watchdog ---------------------------------------------------

using Handover = std::optional<LunScanHandover>;

// Records what it is told before each action, and cuts the run at the
// `cut_at`th action (the watchdog sent the handover told last).
struct RecordingGuard : LunScanGuard {
  std::vector<Handover> told;
  std::size_t cut_at = SIZE_MAX;
  Handover go_on(const Handover& h) override {
    if (told.size() == cut_at) return told.back().value_or(LunScanHandover{99, 99});
    told.push_back(h);
    return std::nullopt;
  }
};

// Before the list, a cut starts the scan again and counts; from the first
// write on, the list goes on past the write in flight (the kernel finishes
// it, killed run or not); the removals after it leave a successor nothing.
TEST(LunScanCut, HandoverFollowsTheScan) {
  Bench b({0, 1, 2});
  b.have({0, 5});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  b.setup.cuts = 1;
  RecordingGuard g;
  b.guard = &g;
  b.run();
  const Handover again = LunScanHandover{0, 2};
  // list, answering LUN, REPORT LUNS, list; "0 0 1", "0 0 2" (entries 1
  // and 2); the removal's list, INQUIRY, wait, ...
  ASSERT_GT(g.told.size(), 7u);
  EXPECT_EQ(std::vector<Handover>(g.told.begin(), g.told.begin() + 7),
            (std::vector<Handover>{again, again, again, again, LunScanHandover{2, 0}, LunScanHandover{3, 0},
                                   std::nullopt}));
  for (std::size_t i = 7; i < g.told.size(); ++i) EXPECT_EQ(g.told[i], std::nullopt) << i;
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2"}));
  EXPECT_EQ(b.host.deleted(), (std::vector<ScsiAddress>{b.t.lun(5)}));
}

// A chain of runs, each cut after one write, adds every LUN once.
TEST(LunScanCut, CutRunsChainToTheEndOfTheList) {
  Bench b({0, 1, 2, 3, 4, 5}, ScanTrigger::kTargetAdded);
  b.have({0});
  int runs = 0, added = 0;
  for (;;) {
    RecordingGuard g;
    g.cut_at = 5;  // list, answering LUN, REPORT LUNS, list, one write
    b.guard = &g;
    const TargetScanResult r = b.run();
    ++runs;
    added += r.added;
    if (!r.continue_at) break;
    ASSERT_TRUE(r.cut);
    ASSERT_EQ(g.told.back(), (LunScanHandover{*r.continue_at, 0}));
    b.setup = {};
    b.setup.target = b.t;
    b.setup.cursor = *r.continue_at;
  }
  EXPECT_EQ(added, 5);
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2", "0 0 3", "0 0 4", "0 0 5"}));
  EXPECT_EQ(runs, 6);  // the last finds the list's end
}

// Cut before its list, a run hands on its own start with one cut more.
TEST(LunScanCut, CutBeforeTheListHandsOnItsStart) {
  Bench b({0, 1, 2, 3});
  b.have({0, 1});
  b.setup.cursor = 2;
  b.setup.cuts = 1;
  RecordingGuard g;
  g.cut_at = 2;
  b.guard = &g;
  const TargetScanResult r = b.run();
  EXPECT_TRUE(r.cut);
  EXPECT_EQ(r.continue_at, 2u);
  EXPECT_EQ(g.told.back(), (LunScanHandover{2, 2}));
  EXPECT_TRUE(b.writes().empty());
}

// The kernel's scan of the target finishes in the kernel: nothing to hand on.
TEST(LunScanCut, KernelTargetScanLeavesNothing) {
  Bench b({1}, ScanTrigger::kTargetAdded);
  RecordingGuard g;
  b.guard = &g;
  b.run();
  ASSERT_FALSE(g.told.empty());
  EXPECT_EQ(g.told.back(), std::nullopt);  // "0 0 -"
  EXPECT_EQ(b.writes().back(), "0 0 -");
}

// A sequential walk has no cursor: a cut starts it again; a run that added
// a LUN resets the count.
TEST(LunScanCut, SequentialWalkStartsAgain) {
  Bench b({0, 1, 2, 3}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.io.answering = {true, kScsiLevel2, 0};
  b.setup.cuts = 1;
  RecordingGuard g;
  g.cut_at = 4;  // list, answering LUN, list, "0 0 1"
  b.guard = &g;
  TargetScanResult r = b.run();
  EXPECT_EQ(g.told.back(), (LunScanHandover{0, 2}));
  EXPECT_EQ(b.writes(), (Strings{"0 0 1"}));
  RecordingGuard g2;
  g2.cut_at = 5;  // list, answering LUN, list, "0 0 2", "0 0 3"
  b.guard = &g2;
  r = b.run();
  EXPECT_EQ(r.added, 2);
  EXPECT_EQ(g2.told.back(), (LunScanHandover{0, 0}));
}

// --- LUNs no longer reported ---------------------------------------------------------

// sdebug-luns-removed: kept by default, as the kernel keeps them.
TEST(LunScan, UnreportedLunsAreKeptByDefault) {
  Bench b({0, 1});
  b.have({0, 1, 2, 3});
  const TargetScanResult r = b.run();
  EXPECT_TRUE(b.host.deleted().empty());
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 0"}));
  EXPECT_TRUE(has(r.reasons, "LUN 2 no longer reported: kept, unreported=keep (the default)"));
  EXPECT_NE(b.err.str().find("LUN 3 no longer reported: kept"), std::string::npos);
}

// inuse-unreported-remove: two confirmations a wait apart, then the delete.
TEST(LunScan, UnreportedLunsRemovedAfterTwoConfirmations) {
  Bench b({0, 1});
  b.have({0, 1, 2, 3});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 0", "INQUIRY 2", "INQUIRY 3", "wait 5 s", "REPORT LUNS 0",
                               "INQUIRY 2", "INQUIRY 3"}));
  EXPECT_EQ(b.host.deleted(), (std::vector<ScsiAddress>{b.t.lun(2), b.t.lun(3)}));
  EXPECT_EQ(r.removed, 2);
  EXPECT_EQ(r.commands, 6);
  EXPECT_TRUE(has(r.reasons, "LUN 2 removed: confirmed gone twice"));
  EXPECT_NE(b.err.str().find("LUN 3 deleted: no longer reported, confirmed gone twice 5 s apart"),
            std::string::npos);
}

// inuse-unmap-remap: a LUN mapped again during the wait stays.
TEST(LunScan, LunMappedAgainDuringTheWaitStays) {
  Bench b({0, 1});
  b.have({0, 1, 2, 3});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  b.io.on_wait = [&] { b.host.bus[{0, 0}].luns.insert(3); };
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.host.deleted(), (std::vector<ScsiAddress>{b.t.lun(2)}));
  EXPECT_EQ(r.removed, 1);
  EXPECT_TRUE(has(r.reasons, "LUN 3 kept: reported again"));
}

// A LUN that still answers is not gone, whatever the list says.
TEST(LunScan, UnreportedLunThatStillAnswersIsKept) {
  Bench b({0, 1, 2});
  b.have({0, 1, 2});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  b.io.unlisted = {2};
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 0", "INQUIRY 2"}));
  EXPECT_TRUE(b.host.deleted().empty());
  EXPECT_TRUE(has(r.reasons, "LUN 2 kept: "));
}

TEST(LunScan, UnreportedLunInUseIsKept) {
  Bench b({0, 1});
  b.have({0, 1, 2, 3});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  b.io.in_use = {3};
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.host.deleted(), (std::vector<ScsiAddress>{b.t.lun(2)}));
  EXPECT_TRUE(has(r.reasons, "LUN 3 kept (no longer reported, confirmed gone twice 5 s apart): in use"));
  ASSERT_EQ(b.io.records.size(), 1u);
  EXPECT_EQ(b.io.records[0].object, "0:0:0:3");
  EXPECT_NE(b.err.str().find("LUN 3 not deleted"), std::string::npos);
}

// No time left for the wait and the second check: the next rescan does it.
TEST(LunScan, UnreportedLunsLeftForLaterWithoutTime) {
  Bench b({0, 1});
  b.have({0, 1, 2});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  b.io.now = seconds(26);
  const TargetScanResult r = b.run();
  EXPECT_TRUE(b.host.deleted().empty());
  EXPECT_TRUE(has(r.reasons, "1 unreported LUN(s) left for a later rescan: no time left for the second check"));
}

// An added target's scan never removes.
TEST(LunScan, AddEventRemovesNothing) {
  Bench b({0, 1}, ScanTrigger::kTargetAdded);
  b.have({0, 1, 2});
  b.policy("hctl 0:0:0:* unreported=remove\n");
  const TargetScanResult r = b.run();
  EXPECT_TRUE(b.host.deleted().empty());
  EXPECT_EQ(b.io.log, (Strings{"REPORT LUNS 0"}));
  EXPECT_EQ(r.removed, 0);
}

// --- The LUN policy and LUN 0 ------------------------------------------------------

// policy-4-of-256: the policy is asked once per LUN; LUNs it leaves out
// cost no write and no slice of the budget.
TEST(LunScan, PolicyLeavesLunsOut) {
  Bench b({0, 1, 2, 3, 4, 5}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.policy("hctl 0:0:0:1-2 instantiate\n");
  b.setup.budget = {3, milliseconds(30000)};
  const TargetScanResult r = b.run(true);
  EXPECT_EQ(b.writes(), (Strings{"0 0 1", "0 0 2"}));
  EXPECT_FALSE(r.continue_at.has_value());
  EXPECT_TRUE(has(r.reasons, "3 LUN(s) left out by the LUN policy"));
  EXPECT_NE(b.err.str().find("LUN 5 not instantiated: "), std::string::npos);
  // LUN 0 is not listed, but it exists: only skip removes.
  EXPECT_TRUE(has(r.reasons, "LUN 0 kept: not listed"));
  EXPECT_TRUE(b.host.deleted().empty());
}

// LUN 0 skipped by a rule: removed after the scan it carried, if a scan run created it.
TEST(LunScan, SkippedLun0RemovedAfterTheScanWithHandoff) {
  Bench b({0, 1}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.policy("hctl 0:0:0:0 skip\n");
  b.io.handoffs = {0};
  const TargetScanResult r = b.run();
  EXPECT_EQ(b.writes(), (Strings{"0 0 1"}));
  EXPECT_EQ(b.host.deleted(), (std::vector<ScsiAddress>{b.t.lun(0)}));
  EXPECT_NE(b.err.str().find("LUN 0 deleted: "), std::string::npos);
  EXPECT_EQ(r.removed, 0);
}

TEST(LunScan, SkippedLun0KeptWithoutHandoff) {
  Bench b({0, 1}, ScanTrigger::kTargetAdded);
  b.have({0});
  b.policy("hctl 0:0:0:0 skip\n");
  const TargetScanResult r = b.run();
  EXPECT_TRUE(b.host.deleted().empty());
  EXPECT_TRUE(has(r.reasons, "LUN 0 kept despite"));
}

// --- Rescan and add -----------------------------------------------------------------------

// On an add event the host walk probed LUN 0 already; a rescan writes it.
TEST(LunScan, Lun0WrittenOnRescanOnly) {
  Bench add({0, 1}, ScanTrigger::kTargetAdded);
  add.host.max_lun = 49410;
  add.run();
  EXPECT_EQ(add.writes(), (Strings{"0 0 49409", "0 0 1"}));
  Bench rescan({0, 1});
  rescan.host.max_lun = 49410;
  const TargetScanResult r = rescan.run();
  EXPECT_EQ(rescan.writes(), (Strings{"0 0 49409", "0 0 0", "0 0 1"}));
  EXPECT_EQ(rescan.luns(), (std::vector<uint64_t>{0, 1}));
  EXPECT_EQ(r.added, 2);
}

}  // namespace
}  // namespace scsi_probe
