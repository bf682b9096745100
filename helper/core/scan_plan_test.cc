#include "scan_plan.h"

#include <gtest/gtest.h>

#include <cerrno>

#include <vector>

#include "report_luns.h"

namespace scsi_probe {
namespace {

using std::chrono::milliseconds;

HostLimits host_with_max_lun(uint64_t max_lun, ScanLunCheck check = ScanLunCheck::kBelowMaxLun) {
  HostLimits host;
  host.max_lun = max_lun;
  host.scan_check = check;
  return host;
}

LunScanInput scan_input(int level, BlistFlags flags, std::optional<uint64_t> max_lun = 512) {
  LunScanInput in;
  in.scsi_level = level;
  in.flags = flags;
  in.host.max_lun = max_lun;
  return in;
}

// The flags that change a target's LUN scan.
constexpr BlistFlags kScanFlags[] = {kBlistNolun,    kBlistForcelun, kBlistSparselun, kBlistMax5lun,
                                     kBlistLargelun, kBlistReportlun2, kBlistNoreportlun};

std::vector<BlistFlags> all_scan_flag_combinations() {
  std::vector<BlistFlags> combos;
  for (unsigned mask = 0; mask < (1u << std::size(kScanFlags)); ++mask) {
    BlistFlags flags = 0;
    for (std::size_t i = 0; i < std::size(kScanFlags); ++i) {
      if (mask & (1u << i)) flags |= kScanFlags[i];
    }
    combos.push_back(flags);
  }
  return combos;
}

const std::vector<std::optional<uint64_t>> kMaxLuns = {std::nullopt, 1, 2, 5, 8, 9, 64, 255, 256,
                                                       512, 16384, 49410, 1ull << 32, ~0ull};

// --- parse_scan_mode (scsi_scan.c compares prefixes with strncmp) ----------

TEST(ScanTrigger, AddIsAnAddedTargetAnythingElseARescan) {
  EXPECT_EQ(scan_trigger("add"), ScanTrigger::kTargetAdded);
  EXPECT_EQ(scan_trigger("change"), ScanTrigger::kRescan);
  EXPECT_EQ(scan_trigger(""), ScanTrigger::kRescan);
}

TEST(ParseScanMode, KernelPrefixes) {
  EXPECT_EQ(parse_scan_mode("manual"), ScanMode::kManual);
  EXPECT_EQ(parse_scan_mode("manual\n"), ScanMode::kManual);
  EXPECT_EQ(parse_scan_mode("none"), ScanMode::kNone);
  EXPECT_EQ(parse_scan_mode("none\n"), ScanMode::kNone);
  EXPECT_EQ(parse_scan_mode("sync\n"), ScanMode::kSync);
  EXPECT_EQ(parse_scan_mode("async\n"), ScanMode::kAsync);
  EXPECT_EQ(parse_scan_mode("anything"), ScanMode::kAsync);
  EXPECT_EQ(parse_scan_mode(""), ScanMode::kAsync);
  EXPECT_EQ(parse_scan_mode("manua"), ScanMode::kAsync);
}

TEST(ParseScanMode, EachModeReadsBackFromItsName) {
  for (ScanMode m : {ScanMode::kSync, ScanMode::kAsync, ScanMode::kManual, ScanMode::kNone})
    EXPECT_EQ(parse_scan_mode(scan_mode_name(m)), m) << scan_mode_name(m);
}

// --- helper_scans: scsi_scan_host / scsi_scan_target ------------------------

TEST(HelperScans, ManualScansEverything) {
  EXPECT_TRUE(helper_scans(ScanMode::kManual, ScanTrigger::kTargetAdded).yes);
  EXPECT_TRUE(helper_scans(ScanMode::kManual, ScanTrigger::kRescan).yes);
}

TEST(HelperScans, KernelScanModesOnlyRescan) {
  for (ScanMode mode : {ScanMode::kSync, ScanMode::kAsync}) {
    const Decision added = helper_scans(mode, ScanTrigger::kTargetAdded);
    EXPECT_FALSE(added.yes);
    EXPECT_NE(added.reason.find("scanned this target itself"), std::string::npos);
    const Decision rescan = helper_scans(mode, ScanTrigger::kRescan);
    EXPECT_TRUE(rescan.yes);
    EXPECT_NE(rescan.reason.find("never rescans"), std::string::npos);
  }
}

TEST(HelperScans, NoneScansNothing) {
  EXPECT_FALSE(helper_scans(ScanMode::kNone, ScanTrigger::kTargetAdded).yes);
  EXPECT_FALSE(helper_scans(ScanMode::kNone, ScanTrigger::kRescan).yes);
  EXPECT_EQ(helper_scans(ScanMode::kNone, ScanTrigger::kRescan).reason,
            "scsi_mod.scan=none: no automatic scanning");
}

// --- scan attribute: scsi_scan() in scsi_sysfs.c, scsi_scan_host_selected,
// fc_user_scan ------------------------------------------------------------------

TEST(ScanAttribute, BelowMaxLunOnPlainHosts) {
  const HostLimits host = host_with_max_lun(256);
  EXPECT_TRUE(scan_attribute_admits(0, host));
  EXPECT_TRUE(scan_attribute_admits(255, host));
  EXPECT_FALSE(scan_attribute_admits(256, host));
  EXPECT_FALSE(scan_attribute_admits(49409, host));
}

TEST(ScanAttribute, FcAdmitsMaxLunItself) {
  const HostLimits host = host_with_max_lun(256, ScanLunCheck::kUpToMaxLun);
  EXPECT_TRUE(scan_attribute_admits(256, host));
  EXPECT_FALSE(scan_attribute_admits(257, host));
}

TEST(ScanAttribute, UncheckedAndUnknownAdmitAnyWritableLun) {
  EXPECT_TRUE(scan_attribute_admits(49409, host_with_max_lun(8, ScanLunCheck::kUnchecked)));
  EXPECT_TRUE(scan_attribute_admits(49409, HostLimits{}));
}

// The LUN field is at most 16 characters: decimal up to 9999999999999999,
// hex ("0x" + 14 digits) up to 2^56 - 1.
TEST(ScanAttribute, SixteenCharacterLunField) {
  EXPECT_EQ(scan_attribute_value(0, 3, 16640), "0 3 16640");
  EXPECT_EQ(scan_attribute_value(1, 2, 49409), "1 2 49409");
  EXPECT_EQ(scan_attribute_value(0, 0, 9999999999999999ull), "0 0 9999999999999999");
  EXPECT_EQ(scan_attribute_value(0, 0, 10000000000000000ull), "0 0 0x2386f26fc10000");
  EXPECT_EQ(scan_attribute_value(0, 0, (1ull << 56) - 1), "0 0 0xffffffffffffff");
  EXPECT_FALSE(scan_attribute_value(0, 0, 1ull << 56).has_value());
  EXPECT_FALSE(scan_attribute_admits(1ull << 56, HostLimits{}));
  EXPECT_TRUE(scan_attribute_admits((1ull << 56) - 1, HostLimits{}));
  EXPECT_EQ(scan_attribute_target_value(0, 7), "0 7 -");
}

// --- classify_probe: scsi_probe_and_add_lun --------------------------------

TEST(ClassifyProbe, InquiryFailedIsNoResponse) {
  EXPECT_EQ(classify_probe(0, std::nullopt).result, ProbeResult::kNoResponse);
}

TEST(ClassifyProbe, EveryQualifierAndType) {
  for (unsigned pq = 0; pq < 8; ++pq) {
    for (unsigned type = 0; type < 32; ++type) {
      for (uint64_t lun : {uint64_t{0}, uint64_t{5}, kReportLunsWellKnownLun}) {
        for (bool pdt_1f : {false, true}) {
          const LunInquiry inq{static_cast<uint8_t>(pq), static_cast<uint8_t>(type), 6};
          const ProbeDecision d = classify_probe(lun, inq, pdt_1f);
          ProbeResult expected = ProbeResult::kLunPresent;
          if (pq == 3) expected = ProbeResult::kTargetPresent;
          if ((pq == 1 || pdt_1f) && type == 0x1f && lun != kReportLunsWellKnownLun) {
            expected = ProbeResult::kTargetPresent;
          }
          EXPECT_EQ(d.result, expected) << "pq " << pq << " type " << type << " lun " << lun;
          EXPECT_FALSE(d.reason.empty());
        }
      }
    }
  }
}

TEST(ClassifyProbe, Qualifier3NotAdded) {
  const ProbeDecision d = classify_probe(1, LunInquiry{3, 0x1f, 6});
  EXPECT_EQ(d.result, ProbeResult::kTargetPresent);
  EXPECT_EQ(d.reason, "peripheral qualifier 3: no logical unit, target present");
}

// Linux 6.1 carries the revert of "map PQ=1, PDT=other values to
// SCSI_SCAN_TARGET_PRESENT": PQ 1 with a real type is added.
TEST(ClassifyProbe, Qualifier1WithRealTypeIsAdded) {
  EXPECT_EQ(classify_probe(2, LunInquiry{1, 0x00, 6}).result, ProbeResult::kLunPresent);
  const ProbeDecision none = classify_probe(2, LunInquiry{1, 0x1f, 6});
  EXPECT_EQ(none.result, ProbeResult::kTargetPresent);
  EXPECT_EQ(none.reason, "peripheral qualifier 1 with type 0x1f: nothing connected");
}

TEST(ClassifyProbe, WellKnownLunExemptFromType1f) {
  EXPECT_EQ(classify_probe(kReportLunsWellKnownLun, LunInquiry{1, 0x1f, 6}).result,
            ProbeResult::kLunPresent);
  EXPECT_EQ(classify_probe(kReportLunsWellKnownLun, LunInquiry{0, 0x1e, 6}).reason,
            "peripheral qualifier 0, type 0x1e: added");
}

TEST(ClassifyProbe, ReservedQualifier2IsAdded) {
  EXPECT_EQ(classify_probe(1, LunInquiry{2, 0x00, 6}).result, ProbeResult::kLunPresent);
}

TEST(ClassifyProbe, UfiTargetType1f) {
  EXPECT_EQ(classify_probe(1, LunInquiry{0, 0x1f, 3}, true).result, ProbeResult::kTargetPresent);
  EXPECT_EQ(classify_probe(1, LunInquiry{0, 0x1f, 3}, false).result, ProbeResult::kLunPresent);
}

// --- choose_target_access ----------------------------------------------------

TEST(ChooseTargetAccess, Lun0PresentCarriesReportLuns) {
  TargetAccessInput in;
  in.lun0_present = true;
  in.host = host_with_max_lun(8);
  EXPECT_EQ(choose_target_access(in).access, TargetAccess::kLun0);
}

// scsi_debug no_lun_0=1: its max_lun admits 49409.
TEST(ChooseTargetAccess, WellKnownLunWhenHostAdmitsIt) {
  TargetAccessInput in;
  in.host = host_with_max_lun(49410);
  const TargetAccessDecision d = choose_target_access(in);
  EXPECT_EQ(d.access, TargetAccess::kWellKnownLun);
  EXPECT_EQ(d.reason, "LUN 0 not added: try the well-known LUN 49409 (host max_lun 49410)");
}

TEST(ChooseTargetAccess, WellKnownLunBoundary) {
  TargetAccessInput in;
  in.host = host_with_max_lun(49409);
  EXPECT_EQ(choose_target_access(in).access, TargetAccess::kKernelTargetScan);
  in.host.scan_check = ScanLunCheck::kUpToMaxLun;
  EXPECT_EQ(choose_target_access(in).access, TargetAccess::kWellKnownLun);
}

// virtio-scsi: max_lun about 16384, the write of 49409 gives EINVAL.
TEST(ChooseTargetAccess, KernelScanWhenHostRefusesWellKnownLun) {
  TargetAccessInput in;
  in.host = host_with_max_lun(16384);
  const TargetAccessDecision d = choose_target_access(in);
  EXPECT_EQ(d.access, TargetAccess::kKernelTargetScan);
  EXPECT_EQ(d.reason,
            "LUN 0 not added and host max_lun 16384 refuses the well-known LUN 49409: kernel scan of "
            "this target");
}

TEST(ChooseTargetAccess, UnknownMaxLunTriesWellKnownLun) {
  TargetAccessInput in;
  EXPECT_EQ(choose_target_access(in).access, TargetAccess::kWellKnownLun);
}

TEST(ChooseTargetAccess, AfterTryingWellKnownLun) {
  TargetAccessInput in;
  in.well_known_lun_tried = true;
  in.well_known_lun_present = true;
  EXPECT_EQ(choose_target_access(in).access, TargetAccess::kWellKnownLun);
  in.well_known_lun_present = false;
  EXPECT_EQ(choose_target_access(in).access, TargetAccess::kKernelTargetScan);
}

// A LUN the target has already carries REPORT LUNS: LUN 0 first, then a
// well-known LUN an earlier run left, then the first LUN; nothing is written.
TEST(ChooseTargetAccess, ExistingLunsCarryReportLuns) {
  TargetAccessInput in;
  const std::vector<uint64_t> with0 = {0, 3};
  in.existing = with0;
  EXPECT_EQ(choose_target_access(in).access, TargetAccess::kLun0);
  const std::vector<uint64_t> wlun = {3, kReportLunsWellKnownLun};
  in.existing = wlun;
  TargetAccessDecision d = choose_target_access(in);
  EXPECT_EQ(d.access, TargetAccess::kWellKnownLun);
  EXPECT_EQ(d.via, kReportLunsWellKnownLun);
  EXPECT_FALSE(d.instantiate);
  const std::vector<uint64_t> other = {3, 7};
  in.existing = other;
  d = choose_target_access(in);
  EXPECT_EQ(d.access, TargetAccess::kExistingLun);
  EXPECT_EQ(d.via, 3u);
  EXPECT_FALSE(d.instantiate);
  EXPECT_EQ(d.reason, "LUN 0 not added: REPORT LUNS through LUN 3");
}

TEST(ChooseTargetAccess, WellKnownLunIsWrittenFirst) {
  TargetAccessInput in;
  TargetAccessDecision d = choose_target_access(in);
  EXPECT_TRUE(d.instantiate);
  EXPECT_EQ(d.via, kReportLunsWellKnownLun);
  in.well_known_lun_tried = true;
  in.well_known_lun_present = true;
  d = choose_target_access(in);
  EXPECT_FALSE(d.instantiate);
  EXPECT_EQ(d.via, kReportLunsWellKnownLun);
}

// --- plan_lun_scan: scsi_report_lun_scan + scsi_sequential_lun_scan -------

TEST(PlanLunScan, Spc3UsesReportLuns) {
  const LunScanPlan plan = plan_lun_scan(scan_input(6, 0));
  EXPECT_EQ(plan.method, LunScanMethod::kReportLuns);
  EXPECT_EQ(plan.sequential.end, 256u);
  EXPECT_EQ(plan.reason,
            "REPORT LUNS (scsi_level 6); if it fails, sequential scan of LUNs 1-255 (at most 256 LUNs), "
            "stopping at the first LUN not added");
}

TEST(PlanLunScan, Scsi3IsTheFirstReportLunsLevel) {
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel3, 0)).method, LunScanMethod::kReportLuns);
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, 0)).method, LunScanMethod::kSequential);
}

// scsi_sequential_lun_scan: SCSI-2 without LARGELUN stops at LUN 7.
TEST(PlanLunScan, Scsi2SequentialToLun7) {
  const LunScanPlan plan = plan_lun_scan(scan_input(kScsiLevel2, 0));
  EXPECT_EQ(plan.method, LunScanMethod::kSequential);
  EXPECT_EQ(plan.sequential.first_lun, 1u);
  EXPECT_EQ(plan.sequential.end, 8u);
  EXPECT_FALSE(plan.sequential.sparse);
  EXPECT_EQ(plan.reason,
            "scsi_level 3 (SCSI-2) without BLIST_REPORTLUN2; sequential scan of LUNs 1-7 (scsi_level 3 "
            "(SCSI-2) without BLIST_LARGELUN), stopping at the first LUN not added");
}

TEST(PlanLunScan, Scsi1AndCcsNeverReportLuns) {
  for (int level : {kScsiLevel1, kScsiLevel1Ccs}) {
    const LunScanPlan plan = plan_lun_scan(scan_input(level, kBlistReportlun2));
    EXPECT_EQ(plan.method, LunScanMethod::kSequential) << level;
    EXPECT_NE(plan.reason.find("no REPORT LUNS before SCSI-2"), std::string::npos);
  }
}

// scsi_report_lun_scan: SCSI_UNKNOWN passes the "< SCSI_2" check, then the
// "< SCSI_3" one needs REPORTLUN2 and a host with more than 8 LUNs.
TEST(PlanLunScan, UnknownLevelWithReportLun2) {
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevelUnknown, 0)).method, LunScanMethod::kSequential);
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevelUnknown, kBlistReportlun2)).method,
            LunScanMethod::kReportLuns);
}

TEST(PlanLunScan, ReportLun2NeedsHostWithMoreThan8Luns) {
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, kBlistReportlun2, 9)).method, LunScanMethod::kReportLuns);
  const LunScanPlan small = plan_lun_scan(scan_input(kScsiLevel2, kBlistReportlun2, 8));
  EXPECT_EQ(small.method, LunScanMethod::kSequential);
  EXPECT_NE(small.reason.find("BLIST_REPORTLUN2 but host max_lun 8 (8 or less)"), std::string::npos);
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, kBlistReportlun2, std::nullopt)).method,
            LunScanMethod::kReportLuns);
}

TEST(PlanLunScan, NoreportlunWins) {
  const LunScanPlan plan = plan_lun_scan(scan_input(6, kBlistNoreportlun | kBlistReportlun2 | kBlistNolun));
  EXPECT_EQ(plan.method, LunScanMethod::kSequential);
  EXPECT_EQ(plan.reason.substr(0, 17), "BLIST_NOREPORTLUN");
}

// BLIST_NOLUN is only looked at after the level checks of
// scsi_report_lun_scan: a SCSI-2 NOLUN device still gets the sequential scan.
TEST(PlanLunScan, NolunOnlyAfterLevelChecks) {
  EXPECT_EQ(plan_lun_scan(scan_input(6, kBlistNolun)).method, LunScanMethod::kLun0Only);
  EXPECT_EQ(plan_lun_scan(scan_input(6, kBlistNolun)).reason, "BLIST_NOLUN: no LUN past 0");
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, kBlistNolun)).method, LunScanMethod::kSequential);
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, kBlistNolun | kBlistReportlun2)).method,
            LunScanMethod::kLun0Only);
}

// usb-storage and uas set starget->no_report_luns.
TEST(PlanLunScan, DriverNoReportLuns) {
  LunScanInput in = scan_input(6, 0, 8);
  in.no_report_luns = true;
  const LunScanPlan plan = plan_lun_scan(in);
  EXPECT_EQ(plan.method, LunScanMethod::kSequential);
  EXPECT_EQ(plan.sequential.end, 8u);
  EXPECT_EQ(plan.reason.substr(0, 31), "the driver set no_report_luns; ");
  in.flags = kBlistNolun;
  EXPECT_EQ(plan_lun_scan(in).method, LunScanMethod::kLun0Only);
}

TEST(PlanLunScan, HostMaxLunCapsSequential) {
  EXPECT_EQ(plan_lun_scan(scan_input(6, 0, 1)).sequential.end, 1u);
  EXPECT_FALSE(first_sequential_lun(plan_lun_scan(scan_input(6, 0, 1)).sequential).has_value());
  EXPECT_EQ(plan_lun_scan(scan_input(6, 0, 1)).sequential.reason,
            "no LUN past 0 to probe (max_luns/host max_lun 1)");
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, 0, 4)).sequential.end, 4u);
  EXPECT_EQ(plan_lun_scan(scan_input(6, 0, 64)).sequential.end, 64u);
}

TEST(PlanLunScan, MaxScsiLunsCapsSequential) {
  LunScanInput in = scan_input(6, 0, 16384);
  in.max_scsi_luns = 3;
  EXPECT_EQ(plan_lun_scan(in).sequential.end, 3u);
  in.flags = kBlistForcelun;
  EXPECT_EQ(plan_lun_scan(in).sequential.end, 256u);
  in.flags = kBlistSparselun;
  EXPECT_EQ(plan_lun_scan(in).sequential.end, 256u);
}

TEST(PlanLunScan, LargelunLiftsTheScsi2Cap) {
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, kBlistLargelun)).sequential.end, 256u);
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, kBlistLargelun, 64)).sequential.end, 64u);
}

// REGAL CDC-4X: BLIST_MAX5LUN.
TEST(PlanLunScan, Max5lun) {
  const LunScanPlan plan = plan_lun_scan(scan_input(kScsiLevel2, kBlistMax5lun | kBlistForcelun));
  EXPECT_EQ(plan.sequential.end, 5u);
  EXPECT_NE(plan.sequential.reason.find("BLIST_MAX5LUN"), std::string::npos);
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, kBlistMax5lun, 3)).sequential.end, 3u);
}

TEST(PlanLunScan, SparselunScansPastGaps) {
  const LunScanPlan plan = plan_lun_scan(scan_input(kScsiLevel2, kBlistSparselun, 64));
  EXPECT_TRUE(plan.sequential.sparse);
  EXPECT_EQ(plan.sequential.end, 8u);
  EXPECT_EQ(plan_lun_scan(scan_input(kScsiLevel2, kBlistSparselun | kBlistLargelun, 64)).sequential.end, 64u);
}

// max_dev_lun is a 32-bit uint in scsi_sequential_lun_scan: a host max_lun of
// 2^32 becomes 0 under SPARSELUN / FORCELUN.
TEST(PlanLunScan, SequentialLimitIsThirtyTwoBit) {
  EXPECT_EQ(plan_lun_scan(scan_input(6, kBlistForcelun, 1ull << 32)).sequential.end, 0u);
  EXPECT_EQ(plan_lun_scan(scan_input(6, kBlistSparselun, (1ull << 32) + 3)).sequential.end, 3u);
  EXPECT_EQ(plan_lun_scan(scan_input(6, 0, 1ull << 32)).sequential.end, 256u);
}

// Invariants over every level 0..8, every combination of the seven scan
// flags, host limits and no_report_luns.
TEST(PlanLunScan, AllCombinations) {
  for (int level = 0; level <= 8; ++level) {
    for (BlistFlags flags : all_scan_flag_combinations()) {
      for (const auto& max_lun : kMaxLuns) {
        for (bool no_report_luns : {false, true}) {
          LunScanInput in = scan_input(level, flags, max_lun);
          in.no_report_luns = no_report_luns;
          const LunScanPlan plan = plan_lun_scan(in);
          const std::string where = "level " + std::to_string(level) + " flags " + std::to_string(flags) +
                                    " max_lun " + (max_lun ? std::to_string(*max_lun) : "?");
          const SequentialScan& seq = plan.sequential;
          EXPECT_FALSE(plan.reason.empty()) << where;
          EXPECT_LE(seq.end, 256u) << where;
          EXPECT_EQ(seq.sparse, (flags & kBlistSparselun) != 0) << where;
          if (flags & kBlistMax5lun) {
            EXPECT_LE(seq.end, 5u) << where;
          }
          if (level < kScsiLevel3 && !(flags & kBlistLargelun)) {
            EXPECT_LE(seq.end, 8u) << where;
          }
          if (max_lun && *max_lun < (1ull << 32)) {
            EXPECT_LE(seq.end, *max_lun) << where;
          }
          if ((flags & kBlistForcelun) && !(flags & kBlistMax5lun) &&
              (level >= kScsiLevel3 || (flags & kBlistLargelun)) && max_lun && *max_lun < (1ull << 32)) {
            EXPECT_EQ(seq.end, std::min<uint64_t>(256, *max_lun)) << where;
          }

          const bool level_allows = level >= kScsiLevel3 ||
                                    ((level == kScsiLevelUnknown || level >= kScsiLevel2) &&
                                     (flags & kBlistReportlun2) && !(max_lun && *max_lun <= 8));
          LunScanMethod expected = LunScanMethod::kSequential;
          if (!(flags & kBlistNoreportlun) && level_allows) {
            if (flags & kBlistNolun) {
              expected = LunScanMethod::kLun0Only;
            } else if (!no_report_luns) {
              expected = LunScanMethod::kReportLuns;
            }
          }
          EXPECT_EQ(plan.method, expected) << where;
        }
      }
    }
  }
}

// --- sequential walk --------------------------------------------------------

TEST(SequentialWalk, StopsAtFirstGap) {
  const SequentialScan scan = plan_lun_scan(scan_input(kScsiLevel2, 0)).sequential;
  ASSERT_EQ(first_sequential_lun(scan), 1u);
  EXPECT_EQ(next_sequential_lun(scan, 1, true), 2u);
  EXPECT_FALSE(next_sequential_lun(scan, 2, false).has_value());
  EXPECT_FALSE(next_sequential_lun(scan, 7, true).has_value());
}

TEST(SequentialWalk, SparseContinuesToTheEnd) {
  const SequentialScan scan = plan_lun_scan(scan_input(kScsiLevel2, kBlistSparselun)).sequential;
  std::vector<uint64_t> probed;
  for (auto lun = first_sequential_lun(scan); lun; lun = next_sequential_lun(scan, *lun, false)) {
    probed.push_back(*lun);
  }
  EXPECT_EQ(probed, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7}));
}

TEST(SequentialWalk, CountsTheWholeRange) {
  const SequentialScan scan = plan_lun_scan(scan_input(6, 0, 512)).sequential;
  std::size_t count = 0;
  for (auto lun = first_sequential_lun(scan); lun; lun = next_sequential_lun(scan, *lun, true)) ++count;
  EXPECT_EQ(count, 255u);
}

// The LUNs a list has written, in order: its kInstantiate entries.
std::vector<uint64_t> instantiate_entries(const std::vector<LunChoice>& choices) {
  std::vector<uint64_t> luns;
  for (const LunChoice& c : choices)
    if (c.action == LunAction::kInstantiate) luns.push_back(c.linux_lun);
  return luns;
}

std::vector<bool> every_entry_a_write(std::size_t n) { return std::vector<bool>(n, true); }

// --- choose_reported_luns: scsi_report_lun_scan's loop ----------------------

TEST(ChooseReportedLuns, InstantiatesInListOrder) {
  const std::vector<uint64_t> reported = {0, 3, 1, 16640};
  ReportedLunsInput in;
  in.reported = reported;
  in.host = host_with_max_lun(49410);
  const auto choices = choose_reported_luns(in);
  ASSERT_EQ(choices.size(), 4u);
  EXPECT_EQ(choices[0].action, LunAction::kAlreadyProbed);
  EXPECT_EQ(instantiate_entries(choices), (std::vector<uint64_t>{3, 1, 16640}));
}

TEST(ChooseReportedLuns, Lun0ListedButNotYetProbed) {
  const std::vector<uint64_t> reported = {0, 1};
  ReportedLunsInput in;
  in.reported = reported;
  in.lun0_probed = false;
  EXPECT_EQ(instantiate_entries(choose_reported_luns(in)), (std::vector<uint64_t>{0, 1}));
}

TEST(ChooseReportedLuns, SkipsExistingAndDuplicates) {
  const std::vector<uint64_t> reported = {1, 2, 1, 3, 2};
  const std::vector<uint64_t> existing = {0, 2};
  ReportedLunsInput in;
  in.reported = reported;
  in.existing = existing;
  const auto choices = choose_reported_luns(in);
  ASSERT_EQ(choices.size(), 5u);
  EXPECT_EQ(choices[1].action, LunAction::kAlreadyPresent);
  EXPECT_EQ(choices[2].action, LunAction::kDuplicate);
  EXPECT_EQ(choices[4].action, LunAction::kDuplicate);
  EXPECT_EQ(instantiate_entries(choices), (std::vector<uint64_t>{1, 3}));
}

// "lun%llu has a LUN larger than allowed by the host adapter": lun > max_lun.
TEST(ChooseReportedLuns, BeyondHostMaxLun) {
  const std::vector<uint64_t> reported = {1, 255, 256, 257, 16640};
  ReportedLunsInput in;
  in.reported = reported;
  in.host = host_with_max_lun(256);
  const auto choices = choose_reported_luns(in);
  EXPECT_EQ(choices[0].action, LunAction::kInstantiate);
  EXPECT_EQ(choices[1].action, LunAction::kInstantiate);
  // The kernel probes LUN == max_lun, but the scan attribute refuses it.
  EXPECT_EQ(choices[2].action, LunAction::kKernelScanOnly);
  EXPECT_EQ(choices[3].action, LunAction::kBeyondHostMaxLun);
  EXPECT_EQ(choices[3].reason, "LUN larger than allowed by the host adapter (host max_lun 256)");
  EXPECT_EQ(choices[4].action, LunAction::kBeyondHostMaxLun);
}

TEST(ChooseReportedLuns, FcHostInstantiatesMaxLun) {
  const std::vector<uint64_t> reported = {256};
  ReportedLunsInput in;
  in.reported = reported;
  in.host = host_with_max_lun(256, ScanLunCheck::kUpToMaxLun);
  EXPECT_EQ(instantiate_entries(choose_reported_luns(in)), (std::vector<uint64_t>{256}));
}

TEST(ChooseReportedLuns, LunTooLongForTheScanField) {
  const std::vector<uint64_t> reported = {1ull << 60};
  ReportedLunsInput in;
  in.reported = reported;
  EXPECT_EQ(choose_reported_luns(in)[0].action, LunAction::kKernelScanOnly);
}

// The kernel does not skip a listed well-known LUN.
TEST(ChooseReportedLuns, ListedWellKnownLunIsProbed) {
  const std::vector<uint64_t> reported = {1, kReportLunsWellKnownLun};
  ReportedLunsInput in;
  in.reported = reported;
  in.host = host_with_max_lun(49410);
  EXPECT_EQ(instantiate_entries(choose_reported_luns(in)),
            (std::vector<uint64_t>{1, kReportLunsWellKnownLun}));
  EXPECT_FALSE(delete_well_known_lun_after_use(reported));
  const std::vector<uint64_t> plain = {1, 2};
  EXPECT_TRUE(delete_well_known_lun_after_use(plain));
}

TEST(ChooseReportedLuns, SixteenThousandFlatLuns) {
  std::vector<uint64_t> reported;
  for (uint64_t n = 0; n < 16384; ++n) {
    reported.push_back(linux_lun_from_scsilun(n < 256 ? ScsiLun{0, static_cast<uint8_t>(n), 0, 0, 0, 0, 0, 0}
                                                      : ScsiLun{static_cast<uint8_t>(0x40 | (n >> 8)),
                                                                static_cast<uint8_t>(n), 0, 0, 0, 0, 0, 0}));
  }
  ReportedLunsInput in;
  in.reported = reported;
  in.host = host_with_max_lun(49410);
  const auto luns = instantiate_entries(choose_reported_luns(in));
  ASSERT_EQ(luns.size(), 16383u);
  EXPECT_EQ(luns.front(), 1u);
  EXPECT_EQ(luns[254], 255u);
  EXPECT_EQ(luns[255], 16640u);
  EXPECT_EQ(luns.back(), 32767u);
}

// --- batching -----------------------------------------------------------------

TEST(PlanBatch, SlicesAndContinues) {
  const BatchLimits limits{256, milliseconds(30000)};
  Batch b = plan_batch(every_entry_a_write(16383), 0, limits);
  EXPECT_EQ(b.begin, 0u);
  EXPECT_EQ(b.end, 256u);
  EXPECT_EQ(b.next, 256u);
  b = plan_batch(every_entry_a_write(16383), 16128, limits);
  EXPECT_EQ(b.end, 16383u);
  EXPECT_FALSE(b.next.has_value());
}

TEST(PlanBatch, ChainCoversEveryEntryOnce) {
  const BatchLimits limits{100, milliseconds(30000)};
  std::size_t covered = 0;
  std::size_t runs = 0;
  std::optional<std::size_t> cursor = 0;
  while (cursor) {
    const Batch b = plan_batch(every_entry_a_write(16383), *cursor, limits);
    EXPECT_EQ(b.begin, covered);
    covered = b.end;
    cursor = b.next;
    ++runs;
  }
  EXPECT_EQ(covered, 16383u);
  EXPECT_EQ(runs, 164u);
}

TEST(PlanBatch, CursorPastTheEndIsDone) {
  const Batch b = plan_batch(every_entry_a_write(10), 12, BatchLimits{});
  EXPECT_EQ(b.begin, b.end);
  EXPECT_FALSE(b.next.has_value());
  EXPECT_FALSE(plan_batch(every_entry_a_write(0), 0, BatchLimits{}).next.has_value());
}

TEST(PlanBatch, ZeroLimitStillProgresses) {
  const Batch b = plan_batch(every_entry_a_write(10), 3, BatchLimits{0, milliseconds(0)});
  EXPECT_EQ(b.end, 4u);
  EXPECT_EQ(b.next, 4u);
}

// Entries that need no write (present already, or left out by the policy)
// do not count against a run's slice.
TEST(PlanBatch, CountsWritesNotEntries) {
  const BatchLimits limits{2, milliseconds(30000)};
  std::vector<bool> writes(16384, false);
  writes[1] = writes[8000] = writes[16383] = true;
  Batch b = plan_batch(writes, 0, limits);
  EXPECT_EQ(b.begin, 0u);
  EXPECT_EQ(b.end, 8001u);
  EXPECT_EQ(b.next, 8001u);
  b = plan_batch(writes, 8001, limits);
  EXPECT_EQ(b.end, 16384u);
  EXPECT_FALSE(b.next.has_value());
  // No write at all: one run goes through the whole list.
  b = plan_batch(std::vector<bool>(16384, false), 0, limits);
  EXPECT_EQ(b.end, 16384u);
  EXPECT_FALSE(b.next.has_value());
}

TEST(StopForTime, HandsTheRestToTheNextRun) {
  const BatchLimits limits{256, milliseconds(1000)};
  const Batch b = plan_batch(every_entry_a_write(1000), 256, limits);
  EXPECT_FALSE(stop_for_time(b, 300, milliseconds(999), limits).has_value());
  EXPECT_EQ(stop_for_time(b, 300, milliseconds(1000), limits), 300u);
  // At least one entry per run, and nothing to hand over once the slice is done.
  EXPECT_FALSE(stop_for_time(b, 256, milliseconds(5000), limits).has_value());
  EXPECT_FALSE(stop_for_time(b, 512, milliseconds(5000), limits).has_value());
}

// A host removed mid-scan fails every later write: those errors stop the
// scan; a write past the host's limits (EINVAL) or a busy host do not.
TEST(HostGone, OnlyTheErrorsOfAVanishedHost) {
  EXPECT_TRUE(host_gone_error(ENOENT));
  EXPECT_TRUE(host_gone_error(ENODEV));
  EXPECT_TRUE(host_gone_error(ENXIO));
  EXPECT_FALSE(host_gone_error(0));
  EXPECT_FALSE(host_gone_error(EINVAL));
  EXPECT_FALSE(host_gone_error(EBUSY));
  EXPECT_FALSE(host_gone_error(EIO));
  EXPECT_TRUE(host_state_removed("cancel"));
  EXPECT_TRUE(host_state_removed("deleted"));
  EXPECT_TRUE(host_state_removed("cancel/recovery"));
  EXPECT_TRUE(host_state_removed("deleted/recovery"));
  EXPECT_FALSE(host_state_removed("running"));
  EXPECT_FALSE(host_state_removed("recovery"));
  EXPECT_FALSE(host_state_removed("created"));
}

TEST(ContinueCursor, RoundTrip) {
  EXPECT_EQ(kContinueProperty, "SCSI_PROBE_CONTINUE");
  EXPECT_EQ(format_continue_cursor(256), "256");
  EXPECT_EQ(parse_continue_cursor("256"), 256u);
  EXPECT_EQ(parse_continue_cursor("0"), 0u);
  EXPECT_EQ(parse_continue_cursor(format_continue_cursor(16383)), 16383u);
}

TEST(ContinueCursor, RejectsAnythingElse) {
  EXPECT_FALSE(parse_continue_cursor("").has_value());
  EXPECT_FALSE(parse_continue_cursor("-1").has_value());
  EXPECT_FALSE(parse_continue_cursor("+1").has_value());
  EXPECT_FALSE(parse_continue_cursor(" 1").has_value());
  EXPECT_FALSE(parse_continue_cursor("1x").has_value());
  EXPECT_FALSE(parse_continue_cursor("99999999999999999999999").has_value());
}

}  // namespace
}  // namespace scsi_probe
