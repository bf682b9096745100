#include "device_decision.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "identify.h"
#include "udev_string.h"

namespace scsi_probe {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A device as the shell gathers it from a fixture folder (laid out like its
// sysfs folder), at `name`, with no command sent.
DeviceFacts fixture_facts(const std::string& fixture, const std::string& name = "0:0:0:1",
                          const std::string& action = "add") {
  const fs::path dir = fs::path(FIXTURE_DIR) / "devices" / fixture;
  DeviceFacts f;
  f.name = name;
  f.address = parse_scsi_address(name);
  f.action = action;
  f.data.inquiry = slurp(dir / "inquiry");
  f.kernel_inquiry = f.data.inquiry;
  for (const auto& [file, page] : {std::pair{"vpd_pg00", 0x00}, {"vpd_pg80", 0x80}, {"vpd_pg83", 0x83}})
    if (fs::exists(dir / file)) f.data.vpd[static_cast<uint8_t>(page)] = slurp(dir / file);
  if (f.data.vpd.count(0x83)) f.sysfs.vpd_pg83 = f.data.vpd[0x83];
  f.vpd_plan = "every page cached by the kernel";
  f.quirks = QuirkDecision{};
  f.sysfs.type = f.data.inquiry.at(0) & 0x1f;
  return f;
}

Policy policy_of(std::string_view text) {
  return build_policy({{"/etc/scsi-probe.d/50-test.conf", std::string(text)}}, "");
}

Properties parse_lines(const std::string& text) {
  Properties props;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    std::string line = text.substr(at, end - at);
    props.push_back({line.substr(0, line.find('=')), line.substr(line.find('=') + 1)});
    at = end + 1;
  }
  return props;
}

std::string value_of(const Properties& p, std::string_view key) {
  const std::string* v = find_property(p, key);
  return v ? *v : "(unset)";
}

DeviceRunReport not_applied(const DeviceFacts& f, const DeviceDecision& d) {
  return report_device_run(f, d, AttachApplied{}, 7);
}

TEST(DeviceDecision, EachFixturePrintsItsIdentificationAndItsDriver) {
  const std::pair<const char*, const char*> cases[] = {
      {"sdebug-targets-luns-disk", "sd"}, {"sdebug-cd-cd", "sr"}, {"sdebug-tape-tape", "st"},
      {"sdebug-changer-changer", "ch"}, {"sdebug-enclosure-enclosure", "ses"}, {"megasas-wwn", "sd"}};
  for (const auto& [fixture, driver] : cases) {
    DeviceFacts f = fixture_facts(fixture);
    f.sysfs.bound_driver = driver;  // the kernel's autoprobe bound it
    DeviceDecision d = decide_device_run(f, Policy{});
    ASSERT_TRUE(d.attach) << fixture;
    EXPECT_EQ(d.attach->bind, BindAction::kAlreadyBound) << fixture;
    EXPECT_TRUE(d.acts);
    EXPECT_FALSE(d.needs_use);
    DeviceRunReport r = not_applied(f, d);
    EXPECT_TRUE(r.attached) << fixture;
    Properties out = parse_lines(r.properties);
    for (const auto& p : identify_device(f.data).properties) {
      if (p.value.empty()) continue;
      EXPECT_EQ(value_of(out, p.key), udev_safe_value(p.value)) << fixture << " " << p.key;
    }
    EXPECT_EQ(value_of(out, "SCSI_PROBE_ATTACH"), driver) << fixture;
    EXPECT_EQ(value_of(out, "SCSI_PROBE_QUIRKS_SOURCE"), "none") << fixture;
    EXPECT_EQ(value_of(out, "SCSI_PROBE_COMMANDS"), "0") << fixture;
    EXPECT_EQ(out.back().key, "SCSI_PROBE_COMMANDS") << fixture;
  }
}

TEST(DeviceDecision, TheLogLineSaysWhatWasFoundAndDone) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  f.commands = 2;
  f.inquiry_source = InquirySource::kDevice;
  f.sysfs.bound_driver = "sd";
  DeviceDecision d = decide_device_run(f, Policy{});
  AttachApplied applied;
  applied.carried_out = true;
  applied.ms = 3;
  DeviceRunReport r = report_device_run(f, d, applied, 11);
  EXPECT_EQ(r.log.rfind("333333330000007d0, 2 SCSI command(s), 11 ms, INQUIRY: asked of the device (the kernel's "
                        "copy is sanitized, no inquiry_raw), VPD: every page cached by the kernel, "
                        "attach sd (already-bound in 3 ms), handler none: ",
                        0),
            0u)
      << r.log;
}

TEST(DeviceDecision, TheKernelsRawInquiryCopyIdentifiesWithoutACommand) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  f.inquiry_source = InquirySource::kKernelRawCopy;
  f.sysfs.bound_driver = "sd";
  DeviceDecision d = decide_device_run(f, Policy{});
  DeviceRunReport r = not_applied(f, d);
  EXPECT_EQ(value_of(parse_lines(r.properties), "SCSI_PROBE_COMMANDS"), "0");
  EXPECT_NE(r.log.find(", 0 SCSI command(s), 7 ms, INQUIRY: the kernel's unsanitized copy (inquiry_raw), VPD: "),
            std::string::npos)
      << r.log;
}

TEST(DeviceDecision, NoInquiryDataDecidesNothing) {
  DeviceFacts f;
  f.name = "0:0:0:1";
  f.address = parse_scsi_address(f.name);
  f.warnings = {"no node opens"};
  DeviceDecision d = decide_device_run(f, Policy{});
  EXPECT_TRUE(d.no_data);
  EXPECT_FALSE(d.attach);
  DeviceRunReport r = not_applied(f, d);
  EXPECT_TRUE(r.no_data);
  EXPECT_FALSE(r.attached);
  EXPECT_EQ(r.properties, "");
  EXPECT_EQ(r.log, "no INQUIRY data (kernel attribute missing; no node opens)");
}

TEST(DeviceDecision, AKnownIdentificationPrintsOnlyTheDecision) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk", "0:0:0:1", "change");
  f.known = Properties{{"ID_SERIAL", "from-the-database"}, {"ID_WWN_WITH_EXTENSION", "0x5000"}};
  f.sysfs.bound_driver = "sd";
  DeviceDecision d = decide_device_run(f, Policy{});
  EXPECT_EQ(d.identity.wwn_with_extension, "0x5000");
  DeviceRunReport r = not_applied(f, d);
  for (const auto& p : parse_lines(r.properties)) EXPECT_TRUE(p.key.starts_with("SCSI_PROBE_")) << p.key;
  EXPECT_EQ(r.log.rfind("from-the-database, 0 SCSI command(s)", 0), 0u) << r.log;
}

TEST(DeviceDecision, QuirksAndTheirNotesAreReported) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  f.quirks = QuirkDecision{kBlistSparselun, QuirkSource::kHwdb, {"a note"}};
  f.warnings = {"gathered first"};
  DeviceDecision d = decide_device_run(f, Policy{});
  Properties out = parse_lines(not_applied(f, d).properties);
  EXPECT_EQ(value_of(out, "SCSI_PROBE_QUIRKS"), format_blist_flags(kBlistSparselun));
  EXPECT_EQ(value_of(out, "SCSI_PROBE_QUIRKS_SOURCE"), quirk_source_name(QuirkSource::kHwdb));
  EXPECT_EQ(value_of(out, "SCSI_PROBE_WARNING"), "gathered first; a note");
}

TEST(DeviceDecision, WithoutAnAddressNothingAttaches) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk", "not-hctl");
  DeviceDecision d = decide_device_run(f, policy_of("hctl *:*:*:* skip\n"));
  EXPECT_FALSE(d.lun);
  EXPECT_FALSE(d.attach);
  DeviceRunReport r = not_applied(f, d);
  EXPECT_FALSE(r.attached);
  EXPECT_EQ(parse_lines(r.properties).back().key, "SCSI_PROBE_COMMANDS");
}

TEST(DeviceDecision, ASkippedLunIsRemovedOnlyOnceItsUseIsKnown) {
  const Policy policy = policy_of("hctl 0:0:0:1 skip\n");
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  f.sysfs.bound_driver = "sd";
  DeviceDecision d = decide_device_run(f, policy);
  ASSERT_TRUE(d.attach);
  EXPECT_EQ(d.attach->bind, BindAction::kRemove);
  EXPECT_TRUE(d.needs_use);

  f.use = UseVerdict{false, "not in use"};
  d = decide_device_run(f, policy);
  EXPECT_FALSE(d.needs_use);
  EXPECT_EQ(d.attach->bind, BindAction::kRemove);
  EXPECT_EQ(value_of(parse_lines(not_applied(f, d).properties), "SCSI_PROBE_REMOVE"), "1");
}

TEST(DeviceDecision, ADeviceInUseIsKeptAndSaysWhy) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  f.sysfs.bound_driver = "sd";
  f.use = UseVerdict{true, "in use: mounted at /mnt (sdb)"};
  DeviceDecision d = decide_device_run(f, policy_of("hctl 0:0:0:1 skip\n"));
  ASSERT_TRUE(d.attach);
  EXPECT_EQ(d.attach->bind, BindAction::kAlreadyBound);
  EXPECT_EQ(d.attach->kept, "not removed: in use: mounted at /mnt (sdb)");
  Properties out = parse_lines(not_applied(f, d).properties);
  EXPECT_EQ(value_of(out, "SCSI_PROBE_KEPT"), d.attach->kept);
  EXPECT_EQ(value_of(out, "SCSI_PROBE_ATTACH"), "sd");
  EXPECT_EQ(value_of(out, "SCSI_PROBE_WARNING"), d.attach->kept);
  EXPECT_EQ(value_of(out, "SCSI_PROBE_REMOVE"), "(unset)");
}

TEST(DeviceDecision, AnUnbindInUseIsKept) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  f.sysfs.bound_driver = "sd";
  f.use = UseVerdict{true, "in use: open by pid 1 (cat) on /dev/sg1"};
  DeviceDecision d = decide_device_run(f, policy_of("hctl 0:0:0:1 no-attach\n"));
  EXPECT_EQ(d.attach->bind, BindAction::kAlreadyBound);
  EXPECT_EQ(d.attach->kept.rfind("not unbound: ", 0), 0u);
}

TEST(DeviceDecision, LunZeroAndTheWellKnownLunAreTheTargetScansToRemove) {
  for (const char* name : {"0:0:0:0", "0:0:0:49409"}) {
    DeviceFacts f = fixture_facts("sdebug-targets-luns-disk", name);
    DeviceDecision d = decide_device_run(f, policy_of("hctl 0:0:0:* skip\n"));
    ASSERT_TRUE(d.attach) << name;
    EXPECT_EQ(d.attach->bind, BindAction::kRemove) << name;
    EXPECT_FALSE(d.needs_use) << name;
  }
}

TEST(DeviceDecision, OtherEventsOnlyDecide) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk", "0:0:0:1", "bind");
  f.sysfs.bound_driver = "sd";
  DeviceDecision d = decide_device_run(f, policy_of("hctl 0:0:0:1 skip\n"));
  EXPECT_FALSE(d.acts);
  EXPECT_FALSE(d.needs_use);
  DeviceRunReport r = not_applied(f, d);
  EXPECT_NE(r.log.find("(remove, not acted on)"), std::string::npos) << r.log;
}

TEST(DeviceDecision, AnUnlistedLunIsRemovedOnlyByTheRunThatInstantiatedIt) {
  const Policy listing = policy_of("hctl 0:0:0:0,2 instantiate\n");
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  f.sysfs.bound_driver = "sd";
  EXPECT_NE(decide_device_run(f, listing).attach->bind, BindAction::kRemove);
  f.created_here = true;
  EXPECT_EQ(decide_device_run(f, listing).attach->bind, BindAction::kRemove);
  // LUN 0 reached its target: kept even by that run.
  DeviceFacts lun0 = fixture_facts("sdebug-targets-luns-disk", "0:0:0:0");
  lun0.created_here = true;
  lun0.sysfs.bound_driver = "sd";
  EXPECT_EQ(decide_device_run(lun0, policy_of("hctl 0:0:0:1 instantiate\n")).attach->bind,
            BindAction::kAlreadyBound);
}

TEST(DeviceDecision, AWwnRuleMatchesTheKernelsPage83) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  ASSERT_TRUE(f.sysfs.vpd_pg83);
  DeviceDecision d = decide_device_run(f, policy_of("wwn 0x33333330000007d0 no-attach\n"));
  EXPECT_EQ(d.identity.wwn_with_extension, "0x33333330000007d0");
  EXPECT_FALSE(d.attach->driver != UpperDriver::kNone && d.attach->bind == BindAction::kBind);
  EXPECT_NE(d.attach->reason.find("50-test.conf:1"), std::string::npos) << d.attach->reason;
}

TEST(DeviceDecision, AFailedBindPrintsNoAttachSoTheFallbackRuns) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  DeviceDecision d = decide_device_run(f, Policy{});
  ASSERT_EQ(d.attach->bind, BindAction::kBind);
  AttachApplied applied;
  applied.carried_out = true;
  applied.effects.helper_binds = true;
  applied.effects.bind_error = "/sys/bus/scsi/drivers/sd/bind: No such device";
  applied.problems = {applied.effects.bind_error};
  DeviceRunReport r = report_device_run(f, d, applied, 1);
  EXPECT_FALSE(r.attached);
  Properties out = parse_lines(r.properties);
  EXPECT_EQ(value_of(out, "SCSI_PROBE_ATTACH"), "(unset)");
  EXPECT_NE(value_of(out, "SCSI_PROBE_REASON").find("attach sd failed"), std::string::npos);
  EXPECT_EQ(value_of(out, "SCSI_PROBE_WARNING"), applied.effects.bind_error);
  EXPECT_NE(r.log.find("FAILED: the kernel's driver matching follows"), std::string::npos) << r.log;
}

TEST(DeviceDecision, ABoundBindKeepsAttach) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk");
  DeviceDecision d = decide_device_run(f, Policy{});
  AttachApplied applied;
  applied.carried_out = true;
  applied.effects.helper_binds = true;
  applied.effects.bound_driver_after = "sd";
  DeviceRunReport r = report_device_run(f, d, applied, 1);
  EXPECT_TRUE(r.attached);
  EXPECT_EQ(value_of(parse_lines(r.properties), "SCSI_PROBE_ATTACH"), "sd");
}

TEST(DeviceDecision, ExplainAsksForTheUseOfADeviceItWouldTakeAway) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk", "0:0:0:0", "");
  f.explain = true;
  const Policy policy = policy_of("hctl 0:0:0:0 skip\n");
  EXPECT_TRUE(decide_device_run(f, policy).needs_use);
  f.use = UseVerdict{true, "in use: mounted at / (sda1)"};
  DeviceDecision d = decide_device_run(f, policy);
  // Explained, not spared: explain changes nothing.
  EXPECT_EQ(d.attach->bind, BindAction::kRemove);
  ExplainFacts m{"Linux", "scsi_debug", "0", "manual", "", {}, {}};
  const std::string text = format_explanation_text(explain_device(f, m, d, policy));
  EXPECT_NE(text.find("\n   remove only if not in use: now in use: mounted at / (sda1)\n"), std::string::npos)
      << text;
}

TEST(DeviceDecision, TheExplanationGoesStepByStep) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk", "0:0:0:1", "");
  f.explain = true;
  f.sysfs.bound_driver = "sd";
  f.sysfs.blacklist = "";
  const Policy policy = policy_of("hctl 0:0:0:1 handler=none\n");
  DeviceDecision d = decide_device_run(f, policy);
  ExplainFacts m{"Linux", "scsi_debug", "0", "manual", "", {{"ID_SERIAL", "S1"}, {"SCSI_PROBE_COMMANDS", "1"}}, {}};
  const std::string text = format_explanation_text(explain_device(f, m, d, policy));
  const std::string expected_start =
      "0:0:0:1: Linux scsi_debug (type 0)\n"
      "\n1. found\n"
      "   scsi_mod.scan=manual\n"
      "   its target has no scsi-probe record: the kernel scanned it\n"
      "\n2. identified\n"
      "   ID_SERIAL=S1, ID_WWN_WITH_EXTENSION=(none)\n"
      "   SCSI commands sent: 1\n"
      "   INQUIRY data: the kernel's copy is sanitized and this kernel keeps no inquiry_raw: identification sends "
      "one INQUIRY\n"
      "\n3. quirks\n"
      "   hwdb key: scsi-quirk:vLinux:mscsi_debug:r0191:\n"
      "   no hwdb record matches\n"
      "   kernel applied at creation (sysfs blacklist): (none)\n"
      "   in force: (none) (from none)\n"
      "\n4. policy\n"
      "   in force: /etc/scsi-probe.d/50-test.conf\n"
      "   matches: /etc/scsi-probe.d/50-test.conf:1: hctl 0:0:0:1 handler=none\n"
      "   instantiate: yes (";
  EXPECT_EQ(text.substr(0, expected_start.size()), expected_start) << text;
  EXPECT_NE(text.find("\n5. attach\n   kernel default: sd ("), std::string::npos) << text;
  EXPECT_NE(text.find("\n   decision: sd, already-bound ("), std::string::npos) << text;
  EXPECT_NE(text.find("\n   when its target stops reporting it: unreported=keep"), std::string::npos) << text;
  EXPECT_TRUE(text.ends_with("\n   bound now: sd\n")) << text;
}

TEST(DeviceDecision, TheExplanationSaysTheRawInquiryCopyNeedsNoCommand) {
  DeviceFacts f = fixture_facts("sdebug-targets-luns-disk", "0:0:0:1", "");
  f.explain = true;
  f.inquiry_source = InquirySource::kKernelRawCopy;
  DeviceDecision d = decide_device_run(f, Policy{});
  ExplainFacts m{"Linux", "scsi_debug", "0", "manual", "", {{"SCSI_PROBE_COMMANDS", "0"}}, {}};
  const std::string text = format_explanation_text(explain_device(f, m, d, Policy{}));
  EXPECT_NE(text.find("\n   SCSI commands sent: 0\n   INQUIRY data: the kernel's unsanitized copy (inquiry_raw): "
                      "identification sends no INQUIRY\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace scsi_probe
