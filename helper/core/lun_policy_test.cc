#include "lun_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace scsi_probe {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(FIXTURE_DIR) / "policy";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << p;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<fs::path> fixture_files(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kFixtures / dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

Policy policy_of(std::string_view text, std::string_view cmdline = "") {
  return build_policy({{"/etc/scsi-probe.d/50-test.conf", std::string(text)}}, cmdline);
}

LunAddress hctl(unsigned h, unsigned c, unsigned t, uint64_t l) { return {{h, c, t, l}, {}}; }

LunAddress on(Transport tr, std::string address, uint64_t lun, unsigned host = 3) {
  return {{host, 0, 2, lun}, {tr, std::move(address)}};
}

LunIdentity wwn(std::string with_extension, std::vector<std::string> designators = {}) {
  return {std::move(with_extension), std::move(designators)};
}

Rule only_rule(const PolicyFile& f) {
  EXPECT_TRUE(f.errors.empty()) << (f.errors.empty() ? "" : f.errors[0].format());
  EXPECT_EQ(f.rules.size(), 1u);
  return f.rules.empty() ? Rule{} : f.rules[0];
}

// --- parsing ---------------------------------------------------------------

TEST(LunPolicyParse, HctlForms) {
  Rule r = only_rule(parse_policy("f", "hctl 0x2:*:1-3,7:0,5-0x10 instantiate"));
  EXPECT_EQ(r.kind, MatchKind::kHctl);
  EXPECT_TRUE(r.host.contains(2));
  EXPECT_FALSE(r.host.contains(0));
  EXPECT_TRUE(r.channel.any());
  EXPECT_TRUE(r.target.contains(1) && r.target.contains(3) && r.target.contains(7));
  EXPECT_FALSE(r.target.contains(4));
  EXPECT_TRUE(r.luns.contains(0) && r.luns.contains(5) && r.luns.contains(16));
  EXPECT_FALSE(r.luns.contains(17));
  EXPECT_EQ(r.instantiate, true);
  EXPECT_FALSE(r.attach);
  EXPECT_FALSE(r.says_handler());
  EXPECT_EQ(r.where(), "f:1");
  EXPECT_EQ(r.text, "hctl 0x2:*:1-3,7:0,5-0x10 instantiate");
}

TEST(LunPolicyParse, LargeLuns) {
  Rule r = only_rule(parse_policy("f", "hctl 0:0:0:18446744073709551615 skip"));
  EXPECT_TRUE(r.luns.contains(UINT64_MAX));
  Rule w = only_rule(parse_policy("f", "hctl 0:0:0:0xc101 skip"));
  EXPECT_TRUE(w.luns.contains(49409));
}

TEST(LunPolicyParse, TransportForms) {
  Rule fc = only_rule(parse_policy("f", "fc 0x500A09818D3A7F00 lun 1-4 instantiate"));
  EXPECT_EQ(fc.kind, MatchKind::kFc);
  EXPECT_EQ(fc.port, 0x500a09818d3a7f00u);
  EXPECT_TRUE(fc.luns.contains(4));
  EXPECT_FALSE(fc.luns.contains(5));
  EXPECT_EQ(only_rule(parse_policy("f", "fc 50:0a:09:81:8d:3a:7f:00 skip")).port, 0x500a09818d3a7f00u);
  EXPECT_EQ(only_rule(parse_policy("f", "fc 500a09818d3a7f00 skip")).port, 0x500a09818d3a7f00u);
  Rule sas = only_rule(parse_policy("f", "sas 0x5000c500a1b2c3d4 skip"));
  EXPECT_EQ(sas.kind, MatchKind::kSas);
  EXPECT_TRUE(sas.luns.any());
  Rule is = only_rule(parse_policy("f", "iscsi IQN.2003-01.Org.Example:T1 lun 0 attach"));
  EXPECT_EQ(is.kind, MatchKind::kIscsi);
  EXPECT_EQ(is.name, "iqn.2003-01.org.example:t1");
  EXPECT_EQ(only_rule(parse_policy("f", "iscsi eui.02004567A425678D skip")).name,
            "eui.02004567a425678d");
  EXPECT_EQ(only_rule(parse_policy("f", "iscsi naa.52004567BA64678D skip")).kind, MatchKind::kIscsi);
}

TEST(LunPolicyParse, WwnForms) {
  for (std::string w : {"naa.5000C500A1B2C3D4", "naa.6001405abcdef0123456789abcdef012",
                        "eui.0123456789abcdef", "eui.0123456789abcdef01234567",
                        "eui.0123456789abcdef0123456789abcdef", "0x5000c500a1b2c3d4",
                        "0x6001405abcdef0123456789abcdef012"}) {
    Rule r = only_rule(parse_policy("f", "wwn " + w + " no-attach"));
    EXPECT_EQ(r.kind, MatchKind::kWwn);
    std::string lower = w;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    EXPECT_EQ(r.name, lower);
  }
}

TEST(LunPolicyParse, Actions) {
  Rule r = only_rule(parse_policy("f", "hctl 0:0:0:0 skip no-attach handler=emc"));
  EXPECT_EQ(r.instantiate, false);
  EXPECT_EQ(r.attach, false);
  EXPECT_EQ(r.handler, DeviceHandler::kEmc);
  for (std::string h : {"none", "alua", "emc", "hp_sw", "rdac"})
    EXPECT_EQ(only_rule(parse_policy("f", "hctl 0:0:0:0 handler=" + h)).handler,
              device_handler_by_name(h));
  Rule a = only_rule(parse_policy("f", "hctl 0:0:0:0 handler=auto attach"));
  EXPECT_TRUE(a.handler_auto);
  EXPECT_FALSE(a.handler);
  EXPECT_TRUE(a.says_handler());
  EXPECT_EQ(a.attach, true);
}

TEST(LunPolicyParse, CommentsBlanksAndLineNumbers) {
  PolicyFile f = parse_policy("x.conf",
                              "# header\n\n\thctl 0:0:0:0   instantiate   # why\n  \n"
                              "hctl 0:0:0:1 skip\r\n#hctl 0:0:0:2 skip\n");
  ASSERT_TRUE(f.errors.empty());
  ASSERT_EQ(f.rules.size(), 2u);
  EXPECT_EQ(f.rules[0].line, 3u);
  EXPECT_EQ(f.rules[0].text, "hctl 0:0:0:0 instantiate");
  EXPECT_EQ(f.rules[1].where(), "x.conf:5");
  EXPECT_EQ(f.rules[1].text, "hctl 0:0:0:1 skip");
}

TEST(LunPolicyParse, GoodFixtures) {
  for (const auto& p : fixture_files("good")) {
    PolicyFile f = parse_policy(p.string(), read_text(p));
    EXPECT_TRUE(f.errors.empty()) << p << ": " << (f.errors.empty() ? "" : f.errors[0].format());
  }
  EXPECT_EQ(parse_policy("f", read_text(kFixtures / "good/20-san.conf")).rules.size(), 7u);
}

// Every malformed fixture: exactly the expected error, and ignored whole.
TEST(LunPolicyParse, BadFixturesAreIgnoredWhole) {
  auto bad = fixture_files("bad");
  EXPECT_GE(bad.size(), 30u);
  for (const auto& p : bad) {
    std::string text = read_text(p);
    ASSERT_EQ(text.rfind("# expect ", 0), 0u) << p;
    std::string header = text.substr(9, text.find('\n') - 9);
    std::size_t line = std::stoul(header);
    std::string what = header.substr(header.find(": ") + 2);

    PolicyFile f = parse_policy(p.string(), text);
    ASSERT_EQ(f.errors.size(), 1u) << p;
    EXPECT_EQ(f.errors[0].line, line) << p << ": " << f.errors[0].format();
    EXPECT_NE(f.errors[0].message.find(what), std::string::npos)
        << p << ": " << f.errors[0].format() << " lacks \"" << what << "\"";
    EXPECT_EQ(f.errors[0].format().rfind(p.string() + ":" + std::to_string(line) + ": ", 0), 0u);

    // Beside a good file: the good one applies, nothing of the bad one does.
    Policy policy = build_policy({{p.string(), text}, {"/etc/scsi-probe.d/00-good.conf",
                                                       "hctl 9:9:9:9 no-attach\n"}},
                                 "");
    EXPECT_EQ(policy.ignored, std::vector<std::string>{p.string()});
    EXPECT_EQ(policy.sources, std::vector<std::string>{"/etc/scsi-probe.d/00-good.conf"});
    ASSERT_EQ(policy.rules.size(), 1u);
    EXPECT_EQ(policy.rules[0].source, "/etc/scsi-probe.d/00-good.conf");
    EXPECT_EQ(policy.errors.size(), 1u);
    // The bad file's good lines are not half-applied: LUN 0:0:0:0 and
    // others behave as with no policy.
    EXPECT_TRUE(decide_instantiate(policy, hctl(0, 0, 0, 5)).instantiate);
    EXPECT_TRUE(decide_instantiate(policy, hctl(2, 0, 0, 1)).instantiate);
  }
}

TEST(LunPolicyParse, SeveralErrorsAllReported) {
  PolicyFile f = parse_policy("f", "hctl 0:0:0 skip\nhctl 0:0:0:0 instantiate\nwwn x skip\n");
  ASSERT_EQ(f.errors.size(), 2u);
  EXPECT_EQ(f.errors[0].line, 1u);
  EXPECT_EQ(f.errors[1].line, 3u);
  Policy p = build_policy({{"f", "hctl 0:0:0 skip\nhctl 0:0:0:0 instantiate\n"}}, "");
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.errors.size(), 1u);
}

TEST(LunPolicyParse, ErrorFormat) {
  EXPECT_EQ((PolicyError{"/etc/scsi-probe.d/a.conf", 3, "no action"}).format(),
            "/etc/scsi-probe.d/a.conf:3: no action");
  EXPECT_EQ((PolicyError{"kernel command line", 0, "x"}).format(), "kernel command line: x");
}

TEST(LunPolicyParse, PolicyFileNames) {
  EXPECT_TRUE(is_policy_file_name("50-san.conf"));
  EXPECT_TRUE(is_policy_file_name("a.conf"));
  EXPECT_FALSE(is_policy_file_name(".conf"));
  EXPECT_FALSE(is_policy_file_name(".hidden.conf"));
  EXPECT_FALSE(is_policy_file_name("50-san.conf~"));
  EXPECT_FALSE(is_policy_file_name("50-san.conf.dpkg-old"));
  EXPECT_FALSE(is_policy_file_name("README"));
}

// --- the kernel command line ---------------------------------------------------

TEST(LunPolicyCmdline, QuotedWordAndParameterQuotes) {
  PolicyFile f = parse_cmdline_policy(
      "BOOT_IMAGE=/vmlinuz root=UUID=1 \"scsi_probe.policy=hctl 0:0:0:0-3 instantiate;"
      "hctl 0:0:1:* skip\" quiet scsi-probe.policy=\"wwn naa.5000c500a1b2c3d4 no-attach\"\n");
  ASSERT_TRUE(f.errors.empty()) << f.errors[0].format();
  ASSERT_EQ(f.rules.size(), 3u);
  EXPECT_EQ(f.rules[0].where(), "kernel command line:1");
  EXPECT_EQ(f.rules[1].text, "hctl 0:0:1:* skip");
  EXPECT_EQ(f.rules[2].where(), "kernel command line:3");
  EXPECT_EQ(f.rules[2].kind, MatchKind::kWwn);
}

TEST(LunPolicyCmdline, OtherWordsAndInitArguments) {
  EXPECT_TRUE(parse_cmdline_policy("").rules.empty());
  EXPECT_TRUE(parse_cmdline_policy("scsi_probe.policyx=hctl 1:1:1:1 skip").rules.empty());
  EXPECT_TRUE(parse_cmdline_policy("scsi_probe.policy").rules.empty());
  EXPECT_TRUE(parse_cmdline_policy("ro -- \"scsi_probe.policy=hctl 1:1:1:1 skip\"").rules.empty());
  EXPECT_TRUE(parse_cmdline_policy("scsi_probe.policy=;;").rules.empty());
  EXPECT_TRUE(parse_cmdline_policy("scsi_probe.policy=").errors.empty());
}

TEST(LunPolicyCmdline, AnErrorIgnoresTheWholeCommandLine) {
  std::string cmdline =
      "\"scsi_probe.policy=hctl 0:0:0:0-3 instantiate;hctl 0:0:0:x skip\"";
  PolicyFile f = parse_cmdline_policy(cmdline);
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_EQ(f.errors[0].format().rfind("kernel command line:2: bad LUN 'x'", 0), 0u);
  Policy p = build_policy({}, cmdline);
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.ignored, std::vector<std::string>{"kernel command line"});
  EXPECT_TRUE(decide_instantiate(p, hctl(0, 0, 0, 9)).instantiate);
}

TEST(LunPolicyCmdline, OverridesFiles) {
  Policy p = build_policy({{"/etc/scsi-probe.d/10.conf", "hctl 0:0:0:* skip\n"}},
                          "scsi_probe.policy=\"hctl 0:0:0:7 instantiate\"");
  ASSERT_EQ(p.sources.size(), 2u);
  EXPECT_EQ(p.sources[1], "kernel command line");
  auto d = decide_instantiate(p, hctl(0, 0, 0, 7));
  EXPECT_TRUE(d.instantiate);
  EXPECT_EQ(d.rule, "kernel command line:1");
  EXPECT_FALSE(decide_instantiate(p, hctl(0, 0, 0, 6)).instantiate);
}

// --- order and precedence ------------------------------------------------------

TEST(LunPolicyOrder, FilesByNameThenLastMatchWins) {
  // Given out of order, from different folders: sorted by file name.
  Policy p = build_policy({{"/etc/scsi-probe.d/90-late.conf", "hctl 0:0:0:1 instantiate\n"},
                           {"/tmp/x/10-early.conf", "hctl 0:0:0:* skip\n"}},
                          "");
  EXPECT_EQ(p.sources, (std::vector<std::string>{"/tmp/x/10-early.conf",
                                                 "/etc/scsi-probe.d/90-late.conf"}));
  auto d = decide_instantiate(p, hctl(0, 0, 0, 1));
  EXPECT_TRUE(d.instantiate);
  EXPECT_EQ(d.rule, "/etc/scsi-probe.d/90-late.conf:1");
  EXPECT_FALSE(decide_instantiate(p, hctl(0, 0, 0, 2)).instantiate);
}

TEST(LunPolicyOrder, LastMatchWinsWithinAFile) {
  Policy p = policy_of("hctl 0:0:0:1 skip\nhctl 0:0:0:* instantiate\n");
  EXPECT_TRUE(decide_instantiate(p, hctl(0, 0, 0, 1)).instantiate);
  p = policy_of("hctl 0:0:0:* instantiate\nhctl 0:0:0:1 skip\n");
  auto d = decide_instantiate(p, hctl(0, 0, 0, 1));
  EXPECT_FALSE(d.instantiate);
  EXPECT_EQ(d.rule, "/etc/scsi-probe.d/50-test.conf:2");
  EXPECT_NE(d.reason.find("skip: rule"), std::string::npos);
}

TEST(LunPolicyOrder, AspectsAreIndependent) {
  Policy p = policy_of(
      "hctl 0:0:0:* no-attach handler=none\n"
      "hctl 0:0:0:1 instantiate\n"
      "hctl 0:0:0:2 attach\n"
      "hctl 0:0:0:3 handler=auto\n");
  DeviceVerdict v1 = decide_device(p, hctl(0, 0, 0, 1), {});
  EXPECT_TRUE(v1.request.keep);
  EXPECT_FALSE(v1.request.attach);
  EXPECT_EQ(v1.request.handler, DeviceHandler::kNone);
  EXPECT_EQ(v1.attach_rule, "/etc/scsi-probe.d/50-test.conf:1");
  EXPECT_EQ(v1.keep_rule, "/etc/scsi-probe.d/50-test.conf:2");
  DeviceVerdict v2 = decide_device(p, hctl(0, 0, 0, 2), {});
  EXPECT_TRUE(v2.request.attach);
  EXPECT_EQ(v2.request.attach_why, "rule /etc/scsi-probe.d/50-test.conf:3");
  DeviceVerdict v3 = decide_device(p, hctl(0, 0, 0, 3), {});
  EXPECT_FALSE(v3.request.handler);  // auto: the kernel's choice again
  EXPECT_EQ(v3.handler_rule, "/etc/scsi-probe.d/50-test.conf:4");
}

// --- no policy: the kernel's behaviour --------------------------------------------

TEST(LunPolicyDefault, EmptyPolicyChangesNothing) {
  for (const Policy& p : {build_policy({}, ""), policy_of(""), policy_of("# nothing\n\n"),
                          build_policy({{"/etc/scsi-probe.d/a.conf", "bogus\n"}}, "")}) {
    EXPECT_TRUE(p.empty());
    for (auto lun : {hctl(0, 0, 0, 0), hctl(7, 1, 15, 16383), on(Transport::kFc, "0x1", 3)}) {
      auto d = decide_instantiate(p, lun);
      EXPECT_TRUE(d.instantiate);
      EXPECT_FALSE(d.provisional);
      EXPECT_TRUE(d.rule.empty());
      DeviceVerdict v = decide_device(p, lun, wwn("0x5000c500a1b2c3d4"));
      EXPECT_TRUE(v.request.keep);
      EXPECT_TRUE(v.request.attach);
      EXPECT_FALSE(v.request.handler);
      EXPECT_TRUE(v.keep_rule.empty() && v.attach_rule.empty() && v.handler_rule.empty());
    }
  }
  EXPECT_EQ(decide_instantiate(build_policy({}, ""), hctl(0, 0, 0, 0)).reason,
            "instantiate: no policy");
}

// --- listing: unlisted LUNs are not instantiated ------------------------------------

TEST(LunPolicyListing, FourOf256) {
  Policy p = build_policy({{"good/10-four-of-256.conf",
                            read_text(kFixtures / "good/10-four-of-256.conf")}},
                          "");
  int instantiated = 0;
  for (uint64_t lun = 0; lun < 256; ++lun) {
    auto d = decide_instantiate(p, hctl(0, 0, 0, lun));
    instantiated += d.instantiate;
    EXPECT_EQ(d.instantiate, lun < 4) << lun;
    EXPECT_FALSE(d.provisional);
    EXPECT_EQ(d.rule, "good/10-four-of-256.conf:3");
    if (lun >= 4) {
      EXPECT_NE(d.reason.find("not listed"), std::string::npos);
    }
    // Unlisted LUNs are not instantiated; one that exists anyway stays,
    // unless the scan run that created it to read its WWN decides.
    EXPECT_TRUE(decide_device(p, hctl(0, 0, 0, lun), {}).request.keep);
    EXPECT_EQ(decide_device(p, hctl(0, 0, 0, lun), {}, true).request.keep, lun < 4);
  }
  EXPECT_EQ(instantiated, 4);
  // Other targets and hosts keep the kernel's behaviour.
  EXPECT_TRUE(decide_instantiate(p, hctl(0, 0, 1, 200)).instantiate);
  EXPECT_TRUE(decide_instantiate(p, hctl(1, 0, 0, 200)).instantiate);
  EXPECT_TRUE(decide_instantiate(p, hctl(0, 1, 0, 200)).instantiate);
  EXPECT_TRUE(decide_device(p, hctl(1, 0, 0, 200), {}).request.keep);
  EXPECT_EQ(decide_device(p, hctl(0, 0, 0, 9), {}).request.keep_why,
            "not listed by rule good/10-four-of-256.conf:3, but it exists: kept (only skip removes)");
}

// `hctl *:0:0:1 instantiate` lists target 0:0 of every host: the AHCI disk
// the kernel made at 0:0:0:0 and a USB disk's LUN 0 are unlisted, not
// skipped: they are neither removed nor withheld a driver.
TEST(LunPolicyListing, HostWildcardLeavesOtherHostsDisksAlone) {
  Policy p = policy_of("hctl *:0:0:1 instantiate\n");
  for (unsigned host : {0u, 1u, 2u}) {
    auto i = decide_instantiate(p, hctl(host, 0, 0, 0));
    EXPECT_FALSE(i.instantiate);
    EXPECT_TRUE(i.unlisted);
    DeviceVerdict v = decide_device(p, hctl(host, 0, 0, 0), {});
    EXPECT_TRUE(v.request.keep) << host;
    EXPECT_TRUE(v.request.attach) << host;
  }
  EXPECT_TRUE(decide_instantiate(p, hctl(3, 0, 0, 1)).instantiate);
  // An explicit skip is not a listing: it removes what it names.
  Policy skip = policy_of("hctl *:0:0:1 instantiate\nhctl 2:0:0:0 skip\n");
  auto i = decide_instantiate(skip, hctl(2, 0, 0, 0));
  EXPECT_FALSE(i.instantiate);
  EXPECT_FALSE(i.unlisted);
  EXPECT_FALSE(decide_device(skip, hctl(2, 0, 0, 0), {}).request.keep);
  EXPECT_TRUE(decide_device(skip, hctl(0, 0, 0, 0), {}).request.keep);
}

// The machine of the host-wildcard case: an AHCI disk libata made at
// 0:0:0:0, a USB disk at 1:0:0:0, a SAN on host 2.
TEST(LunPolicyLunZero, HostWildcardKeepsKernelMadeAndUnlistedLunZero) {
  Policy p = policy_of("hctl *:0:0:1 instantiate\n");
  // AHCI: the kernel made it (no scan run of scsi-probe did).
  EXPECT_FALSE(decide_lun0_after_scan(p, hctl(0, 0, 0, 0), false).remove);
  // USB: the host walk instantiated it; the listing only leaves it out.
  LunZeroAfterScan usb = decide_lun0_after_scan(p, hctl(1, 0, 0, 0), true);
  EXPECT_FALSE(usb.remove);
  EXPECT_EQ(usb.reason, "LUN 0 kept: not listed, but it exists (only skip removes)");
  // An explicit skip removes the LUN 0 a scan run created, never the kernel's.
  Policy skip = policy_of("hctl 2:0:0:0 skip\nhctl 2:0:0:1-3 instantiate\n");
  LunZeroAfterScan san = decide_lun0_after_scan(skip, hctl(2, 0, 0, 0), true);
  EXPECT_TRUE(san.remove);
  EXPECT_NE(san.reason.find("skip: rule /etc/scsi-probe.d/50-test.conf:1"), std::string::npos);
  LunZeroAfterScan before = decide_lun0_after_scan(skip, hctl(2, 0, 0, 0), false);
  EXPECT_FALSE(before.remove);
  EXPECT_NE(before.reason.find("scsi-probe did not create it"), std::string::npos);
  EXPECT_FALSE(decide_lun0_after_scan(skip, hctl(0, 0, 0, 0), true).remove);
}

TEST(LunPolicyUnreported, KeptByDefault) {
  EXPECT_FALSE(decide_unreported(Policy{}, hctl(0, 0, 0, 3)).remove);
  EXPECT_EQ(decide_unreported(Policy{}, hctl(0, 0, 0, 3)).reason, "unreported=keep (the default)");
  Policy p = policy_of("hctl 0:0:0:* instantiate\n");
  EXPECT_FALSE(decide_unreported(p, hctl(0, 0, 0, 3)).remove);
}

TEST(LunPolicyUnreported, LastMatchingRuleDecides) {
  Policy p = policy_of(
      "hctl *:*:*:* unreported=remove\n"
      "hctl 0:0:1:* unreported=keep\n"
      "hctl 0:0:0:0-3 instantiate\n");
  UnreportedDecision d = decide_unreported(p, hctl(0, 0, 0, 3));
  EXPECT_TRUE(d.remove);
  EXPECT_EQ(d.rule, "/etc/scsi-probe.d/50-test.conf:1");
  EXPECT_EQ(d.reason, "unreported=remove (rule /etc/scsi-probe.d/50-test.conf:1)");
  EXPECT_FALSE(decide_unreported(p, hctl(0, 0, 1, 3)).remove);
  EXPECT_TRUE(decide_unreported(p, hctl(2, 0, 1, 3)).remove);
  // The aspect is its own: the rule says nothing about instantiation.
  EXPECT_TRUE(decide_instantiate(policy_of("hctl *:*:*:* unreported=remove\n"), hctl(0, 0, 0, 3)).instantiate);
}

TEST(LunPolicyUnreported, Errors) {
  auto f = parse_policy("x.conf", "hctl 0:0:0:0 unreported=maybe\n");
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_NE(f.errors[0].message.find("expected keep or remove"), std::string::npos);
  f = parse_policy("x.conf", "hctl 0:0:0:0 unreported=keep unreported=remove\n");
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_NE(f.errors[0].message.find("a second unreported="), std::string::npos);
  f = parse_policy("x.conf", "wwn naa.6001405abcdef0123456789abcdef012 unreported=remove\n");
  ASSERT_EQ(f.errors.size(), 1u);
  EXPECT_NE(f.errors[0].message.find("not a wwn rule"), std::string::npos);
  f = parse_policy("x.conf", "fc 0x500a09818d3a7f00 lun 1-3 unreported=remove skip\n");
  EXPECT_TRUE(f.errors.empty());
}

TEST(LunPolicyListing, SkipRulesDoNotList) {
  Policy p = policy_of("hctl 0:0:0:5 skip\n");
  EXPECT_TRUE(decide_instantiate(p, hctl(0, 0, 0, 4)).instantiate);
  EXPECT_FALSE(decide_instantiate(p, hctl(0, 0, 0, 5)).instantiate);
}

TEST(LunPolicyListing, WildcardTargetsListEveryMatchingTarget) {
  Policy p = policy_of("hctl 2:*:*:0 instantiate\n");
  EXPECT_TRUE(decide_instantiate(p, hctl(2, 0, 9, 0)).instantiate);
  EXPECT_FALSE(decide_instantiate(p, hctl(2, 0, 9, 1)).instantiate);
  EXPECT_TRUE(decide_instantiate(p, hctl(3, 0, 9, 1)).instantiate);
}

TEST(LunPolicyListing, TransportListsItsTarget) {
  Policy p = build_policy({{"20-san.conf", read_text(kFixtures / "good/20-san.conf")}}, "");
  // sysfs prints FC port names as 0x%llx and SAS addresses as 0x%016llx.
  std::string fc = "0x500a09818d3a7f00\n";
  for (uint64_t lun : {1, 2, 3, 4, 10})
    EXPECT_TRUE(decide_instantiate(p, on(Transport::kFc, fc, lun)).instantiate) << lun;
  for (uint64_t lun : {0, 5, 9, 11, 255})
    EXPECT_FALSE(decide_instantiate(p, on(Transport::kFc, fc, lun)).instantiate) << lun;
  // The second port, written with colons in the file.
  EXPECT_FALSE(decide_instantiate(p, on(Transport::kFc, "0x500a09818d3a7f01", 0)).instantiate);
  // Another port, or the same number on another transport: not named.
  EXPECT_TRUE(decide_instantiate(p, on(Transport::kFc, "0x500a09818d3a7f02", 9)).instantiate);
  EXPECT_TRUE(decide_instantiate(p, on(Transport::kSas, fc, 9)).instantiate);
  EXPECT_TRUE(decide_instantiate(p, on(Transport::kNone, fc, 9)).instantiate);

  std::string sas = "0x5000c500a1b2c3d4\n";
  EXPECT_TRUE(decide_instantiate(p, on(Transport::kSas, sas, 0)).instantiate);
  EXPECT_FALSE(decide_instantiate(p, on(Transport::kSas, sas, 1)).instantiate);
  EXPECT_FALSE(decide_instantiate(p, on(Transport::kSas, sas, 0x3fff)).instantiate);
  EXPECT_FALSE(decide_instantiate(p, on(Transport::kSas, sas, 0x4000)).instantiate);  // unlisted
  DeviceVerdict v = decide_device(p, on(Transport::kSas, sas, 0), {});
  EXPECT_EQ(v.request.handler, DeviceHandler::kNone);

  std::string iqn = "iqn.2003-01.org.linux-iscsi.storage:sn.1234\n";
  EXPECT_TRUE(decide_instantiate(p, on(Transport::kIscsi, iqn, 1)).instantiate);
  EXPECT_FALSE(decide_instantiate(p, on(Transport::kIscsi, iqn, 2)).instantiate);
  EXPECT_EQ(decide_device(p, on(Transport::kIscsi, iqn, 1), {}).request.handler,
            DeviceHandler::kAlua);
  EXPECT_FALSE(decide_instantiate(p, on(Transport::kIscsi, "iqn.2003-01.org.example:target2", 0))
                   .instantiate);
  EXPECT_TRUE(decide_instantiate(p, on(Transport::kIscsi, "iqn.2003-01.org.example:target3", 0))
                  .instantiate);

  // LUN 10 is instantiated but not attached.
  DeviceVerdict v10 = decide_device(p, on(Transport::kFc, fc, 10), {});
  EXPECT_TRUE(v10.request.keep);
  EXPECT_FALSE(v10.request.attach);
  EXPECT_EQ(v10.attach_rule, "20-san.conf:3");
}

TEST(LunPolicyListing, PortNumbersCompareAsNumbers) {
  Policy p = policy_of("fc 05:00:00:00:00:00:00:01 lun 1 instantiate\n");
  EXPECT_TRUE(decide_instantiate(p, on(Transport::kFc, "0x500000000000001", 1)).instantiate);
  EXPECT_FALSE(decide_instantiate(p, on(Transport::kFc, "0x500000000000001", 2)).instantiate);
  EXPECT_TRUE(decide_instantiate(p, on(Transport::kFc, "garbage", 2)).instantiate);
}

// --- WWN rules: instantiate, identify, then keep or remove -----------------------

const std::string kWwnA = "naa.6001405abcdef0123456789abcdef012";
const std::string kWwnB = "naa.6001405abcdef0123456789abcdef013";

TEST(LunPolicyWwn, SkipByWwnIsProvisional) {
  Policy p = policy_of("wwn " + kWwnA + " skip\n");
  auto d = decide_instantiate(p, hctl(0, 0, 0, 3));
  EXPECT_TRUE(d.instantiate);
  EXPECT_TRUE(d.provisional);
  EXPECT_EQ(d.rule, "/etc/scsi-probe.d/50-test.conf:1");
  EXPECT_NE(d.reason.find("may remove it"), std::string::npos);
  DeviceVerdict a = decide_device(p, hctl(0, 0, 0, 3), wwn("", {kWwnA}));
  EXPECT_FALSE(a.request.keep);
  EXPECT_EQ(a.keep_rule, "/etc/scsi-probe.d/50-test.conf:1");
  EXPECT_TRUE(decide_device(p, hctl(0, 0, 0, 3), wwn("", {kWwnB})).request.keep);
}

TEST(LunPolicyWwn, KeepOnlyOneWwnOfATarget) {
  Policy p = policy_of("fc 0x500a09818d3a7f00 skip\nwwn " + kWwnA + " instantiate\n");
  auto lun = on(Transport::kFc, "0x500a09818d3a7f00", 7);
  auto d = decide_instantiate(p, lun);
  EXPECT_TRUE(d.instantiate);
  EXPECT_TRUE(d.provisional);
  EXPECT_NE(d.reason.find("read its WWN"), std::string::npos);
  EXPECT_TRUE(decide_device(p, lun, wwn("", {kWwnA})).request.keep);
  DeviceVerdict other = decide_device(p, lun, wwn("", {kWwnB}));
  EXPECT_FALSE(other.request.keep);
  EXPECT_EQ(other.keep_rule, "/etc/scsi-probe.d/50-test.conf:1");
}

TEST(LunPolicyWwn, ListedTargetPlusWwn) {
  Policy p = policy_of("hctl 0:0:0:0-3 instantiate\nwwn " + kWwnA + " instantiate\n");
  auto d = decide_instantiate(p, hctl(0, 0, 0, 200));
  EXPECT_TRUE(d.instantiate);
  EXPECT_TRUE(d.provisional);
  EXPECT_TRUE(decide_device(p, hctl(0, 0, 0, 200), wwn("", {kWwnA})).request.keep);
  DeviceVerdict v = decide_device(p, hctl(0, 0, 0, 200), wwn("", {kWwnB}), true);
  EXPECT_FALSE(v.request.keep);
  EXPECT_EQ(v.request.keep_why, "not listed by rule /etc/scsi-probe.d/50-test.conf:1");
  // The same LUN found by any other run (the kernel added it) stays.
  DeviceVerdict found = decide_device(p, hctl(0, 0, 0, 200), wwn("", {kWwnB}));
  EXPECT_TRUE(found.request.keep);
  EXPECT_NE(found.request.keep_why.find("only skip removes"), std::string::npos);
  // Listed LUNs need no identification first.
  EXPECT_FALSE(decide_instantiate(p, hctl(0, 0, 0, 2)).provisional);
}

TEST(LunPolicyWwn, AnAddressRuleAfterTheWwnRuleDecidesAtOnce) {
  Policy p = policy_of("wwn " + kWwnA + " instantiate\nhctl 0:0:0:5 skip\n");
  auto d = decide_instantiate(p, hctl(0, 0, 0, 5));
  EXPECT_FALSE(d.instantiate);
  EXPECT_FALSE(d.provisional);
  // A WWN rule agreeing with the outcome changes nothing either.
  Policy q = policy_of("wwn " + kWwnA + " instantiate\n");
  EXPECT_FALSE(decide_instantiate(q, hctl(0, 0, 0, 5)).provisional);
}

TEST(LunPolicyWwn, MatchForms) {
  Policy p = policy_of(
      "wwn 0x6001405ABCDEF0123456789ABCDEF012 no-attach\n"
      "wwn eui.0123456789abcdef handler=rdac\n");
  DeviceVerdict v = decide_device(p, hctl(0, 0, 0, 0), wwn("0x6001405abcdef0123456789abcdef012"));
  EXPECT_FALSE(v.request.attach);
  EXPECT_TRUE(decide_device(p, hctl(0, 0, 0, 0), wwn("0x6001405abcdef012")).request.attach);
  EXPECT_EQ(decide_device(p, hctl(0, 0, 0, 0), wwn("", {"eui.0123456789abcdef"})).request.handler,
            DeviceHandler::kRdac);
  // The naa. form is not the 0x form's string.
  EXPECT_TRUE(decide_device(p, hctl(0, 0, 0, 0), wwn("", {kWwnA})).request.attach);
}

TEST(LunPolicyWwn, IdentityFromPage83) {
  // LIO: NAA 6 with LU association, target port and device designators.
  std::ifstream in(std::string(FIXTURE_DIR) + "/sg_inq/lio-alua/vpd_pg83", std::ios::binary);
  std::vector<uint8_t> page{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  DeviceIdPage parsed = parse_device_id_page(page);
  Properties props = {{"ID_WWN", "0x6001405abcdef012"},
                      {"ID_WWN_WITH_EXTENSION", "0x6001405abcdef0123456789abcdef012"}};
  LunIdentity id = lun_identity(props, &parsed);
  EXPECT_EQ(id.wwn_with_extension, "0x6001405abcdef0123456789abcdef012");
  EXPECT_EQ(id.designators, std::vector<std::string>{kWwnA});
  EXPECT_TRUE(lun_identity({}, nullptr).designators.empty());

  std::vector<uint8_t> eui = {0, 0x83, 0, 24,   0x01, 0x02, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8,
                              0x01, 0x12, 0, 8, 9, 9, 9, 9, 9, 9, 9, 9};
  DeviceIdPage e = parse_device_id_page(eui);
  EXPECT_EQ(lun_identity({}, &e).designators, std::vector<std::string>{"eui.0102030405060708"});
}

TEST(LunPolicyExplain, MatchingRules) {
  Policy p = policy_of("hctl 0:0:0:* no-attach\nhctl 1:0:0:0 skip\nwwn " + kWwnA + " attach\n");
  auto lines = matching_rules(p, hctl(0, 0, 0, 0), nullptr);
  EXPECT_EQ(lines, std::vector<std::string>{"/etc/scsi-probe.d/50-test.conf:1: hctl 0:0:0:* no-attach"});
  LunIdentity id = wwn("", {kWwnA});
  lines = matching_rules(p, hctl(0, 0, 0, 0), &id);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "/etc/scsi-probe.d/50-test.conf:3: wwn " + kWwnA + " attach");
}

TEST(LunPolicyMisc, NumberSetAndKeywords) {
  NumberSet any;
  EXPECT_TRUE(any.any() && any.contains(0) && any.contains(UINT64_MAX));
  NumberSet s{{{3, 3}, {10, 20}}};
  EXPECT_TRUE(s.contains(3) && s.contains(10) && s.contains(20));
  EXPECT_FALSE(s.contains(4) || s.contains(21) || s.contains(9));
  EXPECT_EQ(transport_keyword(Transport::kFc), "fc");
  EXPECT_EQ(transport_keyword(Transport::kSas), "sas");
  EXPECT_EQ(transport_keyword(Transport::kIscsi), "iscsi");
  EXPECT_EQ(transport_keyword(Transport::kNone), "");
}

}  // namespace
}  // namespace scsi_probe

namespace scsi_probe {
namespace {

// Every rule and command line shown in man/scsi-probe.d.5 parses.
TEST(LunPolicyManPage, ExamplesParse) {
  std::ifstream in(std::string(FIXTURE_DIR) + "/../../man/scsi-probe.d.5");
  ASSERT_TRUE(in.good());
  bool in_example = false;
  int rules = 0, cmdlines = 0;
  for (std::string line; std::getline(in, line);) {
    if (line == ".nf") in_example = true;
    if (line == ".fi") in_example = false;
    if (!in_example) continue;
    std::string text;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '-') continue;
      text += line[i];
    }
    if (text.find("scsi_probe.policy=") != std::string::npos) {
      PolicyFile f = parse_cmdline_policy(text);
      EXPECT_TRUE(f.errors.empty()) << text << ": " << (f.errors.empty() ? "" : f.errors[0].format());
      EXPECT_FALSE(f.rules.empty()) << text;
      ++cmdlines;
      continue;
    }
    for (std::string kw : {"hctl ", "fc ", "sas ", "iscsi ", "wwn "}) {
      if (text.rfind(kw, 0) != 0) continue;
      PolicyFile f = parse_policy("man", text);
      EXPECT_TRUE(f.errors.empty()) << text << ": " << (f.errors.empty() ? "" : f.errors[0].format());
      EXPECT_EQ(f.rules.size(), 1u) << text;
      ++rules;
    }
  }
  EXPECT_GE(rules, 8);
  EXPECT_GE(cmdlines, 3);
}

}  // namespace
}  // namespace scsi_probe

namespace scsi_probe {
namespace {

// Before and after identification agree: a decision that is not
// provisional is what decide_device keeps, whatever the LUN's WWN; a
// provisional one instantiates.
TEST(LunPolicyConsistency, RandomPolicies) {
  const std::vector<std::string> pool = {
      "hctl 0:0:0:0-3 instantiate", "hctl 0:0:0:2 skip",        "hctl 0:0:*:* skip",
      "hctl 0:0:1:5,7 instantiate", "hctl 1:*:*:0 instantiate", "fc 0x500a09818d3a7f00 lun 1-2 instantiate",
      "fc 0x500a09818d3a7f00 skip", "sas 0x5000c500a1b2c3d4 lun 0 skip",
      "wwn naa.5000c500a1b2c3d4 skip", "wwn naa.5000c500a1b2c3d4 instantiate",
      "wwn eui.0123456789abcdef instantiate", "wwn 0x5000c500a1b2c3d5 skip",
      "hctl 0:0:0:1 no-attach"};
  const std::vector<LunIdentity> ids = {
      {}, {"", {"naa.5000c500a1b2c3d4"}}, {"0x5000c500a1b2c3d5", {"eui.0123456789abcdef"}}};
  std::vector<LunAddress> luns;
  for (unsigned h : {0u, 1u})
    for (unsigned t : {0u, 1u})
      for (uint64_t l : {0, 1, 2, 5, 7, 9}) luns.push_back({{h, 0, t, l}, {}});
  for (uint64_t l : {0, 1, 3})
    luns.push_back({{2, 0, 0, l}, {Transport::kFc, "0x500a09818d3a7f00\n"}});
  luns.push_back({{3, 0, 0, 0}, {Transport::kSas, "0x5000c500a1b2c3d4\n"}});

  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u; };
  for (int round = 0; round < 400; ++round) {
    std::string text;
    for (unsigned n = next() % 6; n > 0; --n) text += pool[(next() >> 8) % pool.size()] + "\n";
    Policy p = policy_of(text);
    ASSERT_TRUE(p.errors.empty());
    for (const auto& lun : luns) {
      InstantiateDecision before = decide_instantiate(p, lun);
      for (const auto& id : ids) {
        bool keep = decide_device(p, lun, id, true).request.keep;
        // A LUN found rather than instantiated is removed only by a skip.
        DeviceVerdict found = decide_device(p, lun, id);
        if (keep) {
          EXPECT_TRUE(found.request.keep) << text << format_scsi_address(lun.hctl);
        }
        if (!found.request.keep) {
          EXPECT_EQ(found.request.keep_why.rfind("rule ", 0), 0u) << text << format_scsi_address(lun.hctl);
        }
        if (!before.provisional)
          EXPECT_EQ(keep, before.instantiate) << text << format_scsi_address(lun.hctl);
        else
          EXPECT_TRUE(before.instantiate);
      }
    }
  }
}

}  // namespace
}  // namespace scsi_probe
