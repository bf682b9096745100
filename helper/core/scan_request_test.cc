#include "scan_request.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

constexpr std::optional<unsigned> kAny;

TEST(ParseScanRequest, NumbersAndWildcards) {
  EXPECT_EQ(*parse_scan_request("0 3 -"), (ScanRequest{0u, 3u, std::nullopt}));
  EXPECT_EQ(*parse_scan_request("- - -"), (ScanRequest{kAny, kAny, std::nullopt}));
  EXPECT_EQ(*parse_scan_request("1 - -"), (ScanRequest{1u, kAny, std::nullopt}));
  EXPECT_EQ(*parse_scan_request("- 7 -"), (ScanRequest{kAny, 7u, std::nullopt}));
  EXPECT_EQ(*parse_scan_request("2 5 49409"), (ScanRequest{2u, 5u, uint64_t{49409}}));
  EXPECT_EQ(*parse_scan_request("0 0 18446744073709551615"),
            (ScanRequest{0u, 0u, uint64_t{18446744073709551615u}}));
  EXPECT_EQ(*parse_scan_request("4294967295 0 0"), (ScanRequest{4294967295u, 0u, uint64_t{0}}));
}

TEST(ParseScanRequest, BlanksAndATrailingNewline) {
  EXPECT_EQ(*parse_scan_request("0 3 -\n"), (ScanRequest{0u, 3u, std::nullopt}));
  EXPECT_EQ(*parse_scan_request("  0\t3  - "), (ScanRequest{0u, 3u, std::nullopt}));
}

TEST(ParseScanRequest, AnythingElseSaysWhy) {
  EXPECT_EQ(parse_scan_request("").error().message, "\"\" has 0 field(s), not 3 (channel, target ID, LUN)");
  EXPECT_EQ(parse_scan_request("0 3").error().message, "\"0 3\" has 2 field(s), not 3 (channel, target ID, LUN)");
  EXPECT_FALSE(parse_scan_request("0 3 - -"));
  EXPECT_EQ(parse_scan_request("x 3 -").error().message, "channel \"x\" is neither a decimal number nor \"-\"");
  EXPECT_EQ(parse_scan_request("0 0x3 -").error().message,
            "target ID \"0x3\" is neither a decimal number nor \"-\"");
  EXPECT_EQ(parse_scan_request("0 3 -1").error().message, "LUN \"-1\" is neither a decimal number nor \"-\"");
  EXPECT_EQ(parse_scan_request("4294967296 0 0").error().message, "channel \"4294967296\" is out of range");
  EXPECT_EQ(parse_scan_request("0 0 18446744073709551616").error().message,
            "LUN \"18446744073709551616\" is out of range");
  EXPECT_FALSE(parse_scan_request("0 3 --"));
  EXPECT_FALSE(parse_scan_request("0 +3 -"));
  EXPECT_FALSE(parse_scan_request("0,3,-"));
}

TEST(ParseScanRequest, FormatsBackAsTheKernelWroteIt) {
  for (const char* text : {"0 3 -", "- - -", "1 - -", "2 5 49409"})
    EXPECT_EQ(format_scan_request(*parse_scan_request(text)), text);
}

HostEventFacts facts(std::optional<std::string> request, std::optional<uint64_t> seqnum = 100,
                     RescanRecord last = {}) {
  HostEventFacts f;
  f.host = 2;
  f.host_class = HostClass::kVirtioScsi;
  f.request = std::move(request);
  f.seqnum = seqnum;
  f.last_walk = std::move(last);
  return f;
}

TEST(PlanHostRun, NoRequestIsTheRunAsEver) {
  // `udevadm trigger --action=change`, the add event, the kernel as Debian ships it.
  const HostRunPlan p = plan_host_run(facts(std::nullopt, 100, RescanRecord{200}));
  EXPECT_EQ(p.scope, HostRunScope::kAsBefore);
  EXPECT_EQ(p.reason, "");
  EXPECT_EQ(p.ignored, "");
}

TEST(PlanHostRun, AMalformedRequestIsIgnoredAndTheHostRescannedAsEver) {
  const HostRunPlan p = plan_host_run(facts("0 three -", 100, RescanRecord{200}));
  EXPECT_EQ(p.scope, HostRunScope::kAsBefore);
  EXPECT_EQ(p.ignored, "SCSI_SCAN_REQUEST=0 three - ignored: target ID \"three\" is neither a decimal number nor "
                       "\"-\"; the host is scanned as on any change event");
}

TEST(PlanHostRun, ARequestNamingATargetProbesThatTargetOnly) {
  const HostRunPlan p = plan_host_run(facts("0 3 -"));
  EXPECT_EQ(p.scope, HostRunScope::kTarget);
  EXPECT_EQ(p.target, (ScsiTarget{2, 0, 3}));
  EXPECT_EQ(p.reason, "scan of 0:3 requested by the kernel (virtio_scsi hot-add under scsi_mod.scan=manual, "
                      "SCSI_SCAN_REQUEST=0 3 -): that target only");
}

TEST(PlanHostRun, ATargetRequestIsNeverAnsweredByAnEarlierWalk) {
  // A walk of the host that started later probed that ID too, but the
  // target may have been gone then and back since: a probe of one ID is cheap.
  const HostRunPlan p = plan_host_run(facts("1 4 2", 100, RescanRecord{200}));
  EXPECT_EQ(p.scope, HostRunScope::kTarget);
  EXPECT_EQ(p.target, (ScsiTarget{2, 1, 4}));
}

TEST(PlanHostRun, ATargetRequestOnAHostThatIsNotWalkedGetsTheHostsOwnScan) {
  HostEventFacts f = facts("0 1 -", 150, RescanRecord{200});
  f.host_class = HostClass::kSrp;
  f.walked = false;
  const HostRunPlan p = plan_host_run(f);
  EXPECT_EQ(p.scope, HostRunScope::kHostRescan);
  EXPECT_EQ(p.reason, "scan of 0:1 requested by the kernel (srp host's scsi_scan_target under scsi_mod.scan=manual, "
                      "SCSI_SCAN_REQUEST=0 1 -): the host's own scan, as on any change event (a srp host is not "
                      "walked)");
}

TEST(PlanHostRun, TheTransportNamesTheOrigin) {
  HostEventFacts f = facts("0 1 -");
  f.host_class = HostClass::kFc;
  EXPECT_NE(plan_host_run(f).reason.find("(FC remote port under scsi_mod.scan=manual"), std::string::npos);
  f.host_class = HostClass::kSas;
  EXPECT_NE(plan_host_run(f).reason.find("(SAS end device under"), std::string::npos);
  f.host_class = HostClass::kParallel;
  EXPECT_NE(plan_host_run(f).reason.find("(parallel host's scsi_scan_target under"), std::string::npos);
}

TEST(PlanHostRun, AHostRequestAfterTheLastWalkStartedRescans) {
  const HostRunPlan p = plan_host_run(facts("- - -", 201, RescanRecord{200}));
  EXPECT_EQ(p.scope, HostRunScope::kHostRescan);
  EXPECT_EQ(p.reason, "scan of the host requested by the kernel (virtio-scsi host's scsi_scan_host under "
                      "scsi_mod.scan=manual, SCSI_SCAN_REQUEST=- - -): rescanned as on any change event (event "
                      "201 came after the last rescan started (uevent 200))");
}

TEST(PlanHostRun, AHostRequestRaisedBeforeTheLastWalkStartedIsAnswered) {
  // scsi_scan_host right after scsi_add_host: the add event's walk started
  // after the kernel raised the request.
  const HostRunPlan p = plan_host_run(facts("- - -", 150, RescanRecord{200}));
  EXPECT_EQ(p.scope, HostRunScope::kAnswered);
  EXPECT_EQ(p.reason, "scan of the host requested by the kernel (virtio-scsi host's scsi_scan_host under "
                      "scsi_mod.scan=manual, SCSI_SCAN_REQUEST=- - -): not walked again (answered by the rescan "
                      "that started after this event (event 150, rescan at uevent 200))");
  EXPECT_EQ(plan_host_run(facts("- - -", 200, RescanRecord{200})).scope, HostRunScope::kAnswered);
}

TEST(PlanHostRun, AHostRequestWithoutARecordOrSeqnumRescans) {
  EXPECT_EQ(plan_host_run(facts("- - -", 150)).scope, HostRunScope::kHostRescan);
  EXPECT_EQ(plan_host_run(facts("- - -", std::nullopt, RescanRecord{200})).scope, HostRunScope::kHostRescan);
}

TEST(PlanHostRun, AChannelOrIdWildcardIsTheWholeHosts) {
  for (const char* request : {"0 - -", "- 3 -", "- - 0"}) {
    EXPECT_EQ(plan_host_run(facts(request, 150, RescanRecord{200})).scope, HostRunScope::kAnswered) << request;
    EXPECT_EQ(plan_host_run(facts(request, 250, RescanRecord{200})).scope, HostRunScope::kHostRescan) << request;
  }
}

}  // namespace
}  // namespace scsi_probe
