#include "quirks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

namespace scsi_probe {
namespace {

const std::string kKernelDir = std::string(FIXTURE_DIR) + "/kernel_devinfo";
const std::string kHwdbFile = std::string(FIXTURE_DIR) + "/../../hwdb/60-scsi-probe-quirks.hwdb";

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// One entry of tests/fixtures/kernel_devinfo/scsi_devinfo-6.1.txt.
struct KernelEntry {
  std::string vendor;
  std::string model;
  std::vector<std::string> flags;
};

// A C-escaped "..." string at line[pos]; pos moves past it and one blank.
std::string read_quoted(const std::string& line, std::size_t& pos) {
  EXPECT_EQ(line.at(pos), '"') << line;
  std::string out;
  for (++pos; line.at(pos) != '"'; ++pos) {
    if (line[pos] != '\\') {
      out += line[pos];
    } else if (line.at(pos + 1) == '\\' || line[pos + 1] == '"') {
      out += line[++pos];
    } else {
      out += static_cast<char>(std::stoi(line.substr(pos + 1, 3), nullptr, 8));
      pos += 3;
    }
  }
  pos += 2;
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) parts.push_back(part);
  return parts;
}

std::vector<KernelEntry> read_kernel_list() {
  std::vector<KernelEntry> entries;
  for (const auto& line : read_lines(kKernelDir + "/scsi_devinfo-6.1.txt")) {
    if (line.empty() || line[0] == '#') continue;
    std::size_t pos = 0;
    KernelEntry e;
    e.vendor = read_quoted(line, pos);
    e.model = read_quoted(line, pos);
    if (line.at(pos) == '-')
      pos += 2;
    else
      read_quoted(line, pos);
    e.flags = split(line.substr(pos), '|');
    entries.push_back(e);
  }
  return entries;
}

std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s += static_cast<char>(v);
  return s;
}

TEST(KernelSanitizedField, BlanksControlAndHighBytes) {
  EXPECT_EQ(kernel_sanitized_field(bytes({'A', 0x01, 'B', 0x7f, 0xc3, 'C', 0x1f, 'D'}), 8),
            "A B  C D");
}

TEST(KernelSanitizedField, NulEndsTheField) {
  EXPECT_EQ(kernel_sanitized_field(bytes({'A', 'B', 0, 'C', 'D'}), 8), "AB      ");
}

TEST(KernelSanitizedField, MissingBytesAreBlankAndExtraBytesCut) {
  EXPECT_EQ(kernel_sanitized_field("AB", 4), "AB  ");
  EXPECT_EQ(kernel_sanitized_field("ABCDEFG", 4), "ABCD");
  EXPECT_EQ(kernel_sanitized_field("", 4), "    ");
}

TEST(TrimBlanks, OuterOnly) {
  EXPECT_EQ(trim_blanks("  A  B  "), "A  B");
  EXPECT_EQ(trim_blanks("    "), "");
  EXPECT_EQ(trim_blanks(""), "");
}

TEST(QuirkHwdbKey, TrimsOuterBlanksKeepsInnerOnes) {
  EXPECT_EQ(quirk_hwdb_key("DELL    ", "PV660F   PSEUDO ", "1.0 "),
            "scsi-quirk:vDELL:mPV660F   PSEUDO:r1.0:");
}

TEST(QuirkHwdbKey, LeadingBlanksGoToo) {
  EXPECT_EQ(quirk_hwdb_key("  IBM   ", "  2076          ", "0000"),
            "scsi-quirk:vIBM:m2076:r0000:");
}

TEST(QuirkHwdbKey, OddCharactersAsTheKernelSeesThem) {
  EXPECT_EQ(quirk_hwdb_key("NEC     ", "CD-ROM DRIVE:841", bytes({0x04, '|', 'j', ' '})),
            "scsi-quirk:vNEC:mCD-ROM DRIVE:841:r|j:");
  EXPECT_EQ(quirk_hwdb_key("IOMEGA  ", "Io20S         *F", "1.00"),
            "scsi-quirk:vIOMEGA:mIo20S         *F:r1.00:");
  EXPECT_EQ(quirk_hwdb_key(bytes({'A', 0xe9, 'B', 0, 'x', 'x', 'x', 'x'}), "M", "R"),
            "scsi-quirk:vA B:mM:rR:");
}

TEST(QuirkHwdbKey, EmptyAndTruncatedFields) {
  EXPECT_EQ(quirk_hwdb_key("        ", "Scanner         ", ""), "scsi-quirk:v:mScanner:r:");
  EXPECT_EQ(quirk_hwdb_key("SEAG", "", ""), "scsi-quirk:vSEAG:m:r:");
}

TEST(BlistFlagTable, IsWhatTheKernelNames) {
  std::map<unsigned, std::string> kernel;
  for (const auto& line : read_lines(kKernelDir + "/blist_names-6.1.txt")) {
    if (line.empty() || line[0] == '#') continue;
    auto parts = split(line, ' ');
    ASSERT_EQ(parts.size(), 2u) << line;
    kernel[static_cast<unsigned>(std::stoul(parts[0]))] = parts[1];
  }
  std::map<unsigned, std::string> ours;
  for (const auto& f : blist_flag_table()) {
    ASSERT_EQ(std::popcount(f.bit), 1) << f.name;
    ours[static_cast<unsigned>(std::countr_zero(f.bit))] = std::string(f.name);
  }
  EXPECT_EQ(ours, kernel);
}

TEST(BlistFlagTable, ConstantsHaveTheirNames) {
  const std::pair<BlistFlags, std::string_view> constants[] = {
      {kBlistNolun, "NOLUN"}, {kBlistForcelun, "FORCELUN"}, {kBlistBorken, "BORKEN"},
      {kBlistKey, "KEY"}, {kBlistSinglelun, "SINGLELUN"}, {kBlistNotq, "NOTQ"},
      {kBlistSparselun, "SPARSELUN"}, {kBlistMax5lun, "MAX5LUN"}, {kBlistIsrom, "ISROM"},
      {kBlistLargelun, "LARGELUN"}, {kBlistInquiry36, "INQUIRY_36"},
      {kBlistIgnMediaChange, "IGN_MEDIA_CHANGE"}, {kBlistNostartonadd, "NOSTARTONADD"},
      {kBlistNoVpdSize, "NO_VPD_SIZE"}, {kBlistReportlun2, "REPORTLUN2"},
      {kBlistNoreportlun, "NOREPORTLUN"}, {kBlistNotLockable, "NOT_LOCKABLE"},
      {kBlistNoUldAttach, "NO_ULD_ATTACH"}, {kBlistSelectNoAtn, "SELECT_NO_ATN"},
      {kBlistRetryHwerror, "RETRY_HWERROR"}, {kBlistMax512, "MAX_512"},
      {kBlistNoDif, "NO_DIF"}, {kBlistSkipVpdPages, "SKIP_VPD_PAGES"},
      {kBlistTryVpdPages, "TRY_VPD_PAGES"}, {kBlistNoRsoc, "NO_RSOC"},
      {kBlistMax1024, "MAX_1024"}, {kBlistUnmapLimitWs, "UNMAP_LIMIT_WS"},
      {kBlistRetryItf, "RETRY_ITF"}, {kBlistRetryAscC1, "RETRY_ASC_C1"},
  };
  EXPECT_EQ(std::size(constants), blist_flag_table().size());
  for (const auto& [bit, name] : constants) {
    const auto* info = blist_flag_info(bit);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_EQ(info->name, name);
  }
}

TEST(BlistFlagTable, Classes) {
  std::map<std::string_view, std::set<std::string_view>> by_class;
  for (const auto& f : blist_flag_table()) by_class[quirk_class_name(f.use)].insert(f.name);
  using Names = std::set<std::string_view>;
  EXPECT_EQ(by_class["scan"], (Names{"NOLUN", "FORCELUN", "SPARSELUN", "MAX5LUN", "LARGELUN",
                                     "REPORTLUN2", "NOREPORTLUN"}));
  EXPECT_EQ(by_class["attach"], (Names{"ISROM", "NO_ULD_ATTACH"}));
  EXPECT_EQ(by_class["probe"],
            (Names{"INQUIRY_36", "NO_VPD_SIZE", "SKIP_VPD_PAGES", "TRY_VPD_PAGES"}));
  EXPECT_EQ(by_class["kernel-only"].size(), 16u);
  EXPECT_FALSE(kernel_applies_at_creation(QuirkClass::kScan));
  EXPECT_TRUE(kernel_applies_at_creation(QuirkClass::kAttach));
}

TEST(BlistFlagNames, EveryNameRoundTrips) {
  for (const auto& f : blist_flag_table()) {
    EXPECT_EQ(blist_flag_by_name(f.name), f.bit) << f.name;
    EXPECT_EQ(blist_flag_by_name("BLIST_" + std::string(f.name)), f.bit) << f.name;
    EXPECT_EQ(blist_flag_names(f.bit), std::vector<std::string>{std::string(f.name)});
  }
}

TEST(BlistFlagNames, UnnamedBitsInTheSysfsForm) {
  EXPECT_EQ(blist_flag_by_name("INVALID_BIT(14)"), BlistFlags{1} << 14);
  EXPECT_EQ(blist_flag_by_name("INVALID_BIT(63)"), BlistFlags{1} << 63);
  EXPECT_EQ(blist_flag_names((BlistFlags{1} << 14) | kBlistNolun),
            (std::vector<std::string>{"NOLUN", "INVALID_BIT(14)"}));
  EXPECT_FALSE(blist_flag_by_name("INVALID_BIT(64)"));
  EXPECT_FALSE(blist_flag_by_name("INVALID_BIT()"));
  EXPECT_FALSE(blist_flag_by_name("INVALID_BIT(1x)"));
  EXPECT_FALSE(blist_flag_by_name("nolun"));
  EXPECT_FALSE(blist_flag_by_name(""));
}

TEST(BlistFlagNames, FormatInBitOrder) {
  EXPECT_EQ(format_blist_flags(kBlistTryVpdPages | kBlistNoVpdSize),
            "NO_VPD_SIZE TRY_VPD_PAGES");
  EXPECT_EQ(format_blist_flags(0), "");
  EXPECT_EQ(known_blist_flags() & ((BlistFlags{1} << 14) | (BlistFlags{1} << 27)), 0u);
}

TEST(ParseKernelUll, Bases) {
  EXPECT_EQ(parse_kernel_ull("8192"), 8192u);
  EXPECT_EQ(parse_kernel_ull("0x2000"), 0x2000u);
  EXPECT_EQ(parse_kernel_ull("0X2aF"), 0x2afu);
  EXPECT_EQ(parse_kernel_ull("020000"), 020000u);
  EXPECT_EQ(parse_kernel_ull("0"), 0u);
  EXPECT_EQ(parse_kernel_ull("+5"), 5u);
  EXPECT_EQ(parse_kernel_ull("5\n"), 5u);
  EXPECT_EQ(parse_kernel_ull("18446744073709551615"), UINT64_MAX);
}

TEST(ParseKernelUll, Garbage) {
  for (std::string_view bad : {"", "+", "-1", "0x", "08", "1 ", " 1", "5\n\n", "0x1g", "abc",
                               "18446744073709551616", "0x10000000000000000"})
    EXPECT_FALSE(parse_kernel_ull(bad)) << bad;
}

TEST(ParseHwdbQuirks, SetAndClear) {
  auto q = parse_hwdb_quirks({{"SCSI_QUIRK_SPARSELUN", "1"},
                              {"SCSI_QUIRK_NO_RSOC", "0"},
                              {"ID_VENDOR", "x"}});
  EXPECT_TRUE(q.found);
  EXPECT_EQ(q.set, kBlistSparselun);
  EXPECT_EQ(q.cleared, kBlistNoRsoc);
  EXPECT_TRUE(q.errors.empty());
}

TEST(ParseHwdbQuirks, LaterWins) {
  auto q = parse_hwdb_quirks({{"SCSI_QUIRK_NOLUN", "1"}, {"SCSI_QUIRK_NOLUN", "0"},
                              {"SCSI_QUIRK_MAX5LUN", "0"}, {"SCSI_QUIRK_MAX5LUN", "1"}});
  EXPECT_EQ(q.set, kBlistMax5lun);
  EXPECT_EQ(q.cleared, kBlistNolun);
}

TEST(ParseHwdbQuirks, BadEntriesReportedAndSkipped) {
  auto q = parse_hwdb_quirks({{"SCSI_QUIRK_NOLUN", "yes"},
                              {"SCSI_QUIRK_FROBNICATE", "1"},
                              {"SCSI_QUIRK_INVALID_BIT(14)", "1"},
                              {"SCSI_QUIRK_", "1"},
                              {"SCSI_QUIRK_NOLUN", ""}});
  EXPECT_FALSE(q.found);
  EXPECT_EQ(q.set, 0u);
  EXPECT_EQ(q.errors.size(), 5u);
}

TEST(ParseHwdbQuirks, NothingFound) {
  EXPECT_FALSE(parse_hwdb_quirks({}).found);
  EXPECT_FALSE(parse_hwdb_quirks({{"ID_MODEL", "x"}}).found);
}

TEST(ParseDevFlags, Entries) {
  auto d = parse_dev_flags("IBM:2076:0x2000,Linux:scsi_debug:64");
  ASSERT_TRUE(d.errors.empty());
  ASSERT_EQ(d.entries.size(), 2u);
  EXPECT_EQ(d.entries[0], (DevFlagsEntry{"IBM     ", "2076            ", kBlistNoVpdSize}));
  EXPECT_EQ(d.entries[1], (DevFlagsEntry{"Linux   ", "scsi_debug      ", kBlistSparselun}));
}

TEST(ParseDevFlags, LongStringsCutAsTheKernelStoresThem) {
  auto d = parse_dev_flags("VERYLONGVENDOR:A MODEL LONGER THAN 16:1");
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0].vendor, "VERYLONG");
  EXPECT_EQ(d.entries[0].model, "A MODEL LONGER T");
}

TEST(ParseDevFlags, QuotedForm) {
  auto d = parse_dev_flags("\"A:B:1,C:D:2\"");
  ASSERT_TRUE(d.errors.empty());
  ASSERT_EQ(d.entries.size(), 2u);
  EXPECT_EQ(d.entries[1].flags, 2u);
}

TEST(ParseDevFlags, EmptyVendorEndsTheList) {
  auto d = parse_dev_flags("A:B:1,");
  EXPECT_TRUE(d.errors.empty());
  EXPECT_EQ(d.entries.size(), 1u);
  EXPECT_TRUE(parse_dev_flags("").entries.empty());
  EXPECT_TRUE(parse_dev_flags(":B:1").entries.empty());
}

TEST(ParseDevFlags, CommaInVendorIsPartOfIt) {
  auto d = parse_dev_flags("A,B:M:1");
  ASSERT_EQ(d.entries.size(), 1u);
  EXPECT_EQ(d.entries[0].vendor, "A,B     ");
}

TEST(ParseDevFlags, FirstBadEntryEndsTheList) {
  for (std::string_view bad : {"A:B:1,C:D", "A:B:1,C", "A:B:1,C:D:zz", "A:B:1,C:D:0x4000",
                               "A:B:1,C:D:0x400000000", "A:B:1,C:D:"}) {
    auto d = parse_dev_flags(bad);
    EXPECT_EQ(d.entries.size(), 1u) << bad;
    EXPECT_EQ(d.errors.size(), 1u) << bad;
  }
}

TEST(ParseDevFlags, TooLongIsRefusedWhole) {
  std::string value = "A:B:1";
  value += "," + std::string(250, 'x');
  auto d = parse_dev_flags(value);
  EXPECT_TRUE(d.entries.empty());
  EXPECT_EQ(d.errors.size(), 1u);
}

TEST(FindDevFlagsEntry, ExactPaddedFieldsLastGivenWins) {
  auto d = parse_dev_flags("Linux:scsi_debug:1,Linux:scsi_debug:2,Linux:scsi:4");
  EXPECT_EQ(find_dev_flags_entry(d.entries, "Linux   ", "scsi_debug      ")->flags, 2u);
  EXPECT_EQ(find_dev_flags_entry(d.entries, "Linux   ", "scsi            ")->flags, 4u);
  EXPECT_EQ(find_dev_flags_entry(d.entries, "Linux", bytes({'s', 'c', 's', 'i', 0, 'z'}))->flags,
            4u);
  EXPECT_EQ(find_dev_flags_entry(d.entries, "Linux   ", "scsi_debugger   "), nullptr);
  EXPECT_EQ(find_dev_flags_entry(d.entries, " Linux  ", "scsi_debug      "), nullptr);
}

TEST(BuiltinEntryMatches, VendorExactModelPrefix) {
  EXPECT_TRUE(builtin_entry_matches("HP", "OPEN-", "HP      ", "OPEN-V          "));
  EXPECT_TRUE(builtin_entry_matches("HP", "OPEN-", "  HP    ", "  OPEN-V        "));
  EXPECT_FALSE(builtin_entry_matches("HP", "OPEN-", "HPE     ", "OPEN-V          "));
  EXPECT_FALSE(builtin_entry_matches("HP", "OPEN-", "hp      ", "OPEN-V          "));
  EXPECT_FALSE(builtin_entry_matches("HP", "OPEN-", "HP      ", "OPEN           "));
  EXPECT_TRUE(builtin_entry_matches("Promise", "", "Promise ", "anything        "));
  EXPECT_TRUE(builtin_entry_matches("", "Scanner", "        ", "Scanner 2000    "));
}

TEST(KernelList, CountAndEveryEntryMatchesItsOwnDevice) {
  auto entries = read_kernel_list();
  EXPECT_EQ(entries.size(), 182u);
  for (const auto& e : entries) {
    std::string vendor = e.vendor + std::string(8 - e.vendor.size(), ' ');
    std::string model = e.model + std::string(16 - e.model.size(), ' ');
    EXPECT_TRUE(builtin_entry_matches(e.vendor, e.model, vendor, model)) << e.vendor << e.model;
    EXPECT_EQ(quirk_hwdb_key(vendor, model, ""),
              "scsi-quirk:v" + e.vendor + ":m" + e.model + ":r:");
    for (const auto& name : e.flags) EXPECT_TRUE(blist_flag_by_name(name)) << name;
  }
}

// The hwdb file record by record against the kernel list: same order, key,
// flags, and a "kernel-only" comment naming exactly the flags of that class.
TEST(KernelList, HwdbFileHasEveryEntryWithItsFlagsAndClasses) {
  auto entries = read_kernel_list();
  struct Record {
    std::string match;
    std::set<std::string> flags;
    std::set<std::string> kernel_only;
  };
  std::vector<Record> records;
  for (const auto& line : read_lines(kHwdbFile)) {
    if (line.starts_with("# kernel-only: ")) {
      records.push_back({});
      for (const auto& n : split(line.substr(15), ' ')) records.back().kernel_only.insert(n);
    } else if (line.starts_with("scsi-quirk:")) {
      if (records.empty() || !records.back().match.empty()) records.push_back({});
      records.back().match = line;
    } else if (line.starts_with(" SCSI_QUIRK_")) {
      ASSERT_TRUE(line.ends_with("=1")) << line;
      records.back().flags.insert(line.substr(12, line.size() - 14));
    }
  }
  ASSERT_EQ(records.size(), entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    std::string model;
    for (char c : e.model) model += c == '*' ? std::string("[*]") : std::string(1, c);
    EXPECT_EQ(records[i].match, "scsi-quirk:v" + e.vendor + ":m" + model + "*:r*");
    EXPECT_EQ(records[i].flags, std::set<std::string>(e.flags.begin(), e.flags.end()));
    std::set<std::string> kernel_only;
    for (const auto& name : e.flags)
      if (blist_flag_info(*blist_flag_by_name(name))->use == QuirkClass::kKernelOnly)
        kernel_only.insert(name);
    EXPECT_EQ(records[i].kernel_only, kernel_only) << records[i].match;
  }
}

// The man page describes every flag with its class and bit value, so that
// an administrator can write scsi_mod.dev_flags from it.
TEST(ManPage, DocumentsEveryFlagWithClassAndValue) {
  auto lines = read_lines(std::string(FIXTURE_DIR) + "/../../man/scsi-probe.hwdb.5");
  for (const auto& f : blist_flag_table()) {
    auto it = std::find(lines.begin(), lines.end(), ".B " + std::string(f.name));
    ASSERT_NE(it, lines.end()) << f.name;
    ASSERT_NE(it + 1, lines.end()) << f.name;
    std::string class_name(quirk_class_name(f.use));
    if (class_name == "kernel-only") class_name = "kernel\\-only";
    std::stringstream value;
    value << "(" << class_name << ", 0x" << std::hex << f.bit << ")";
    EXPECT_TRUE((it + 1)->starts_with(value.str())) << *(it + 1) << " vs " << value.str();
  }
}

TEST(ParseKernelCmdline, FindsBothParameters) {
  auto k = parse_kernel_cmdline(
      "BOOT_IMAGE=/vmlinuz root=/dev/sda1 scsi_mod.dev_flags=Linux:scsi_debug:0x80 "
      "scsi_mod.default_dev_flags=0x40 quiet\n");
  EXPECT_TRUE(k.errors.empty());
  ASSERT_EQ(k.dev_flags.size(), 1u);
  EXPECT_EQ(k.dev_flags[0].flags, kBlistMax5lun);
  EXPECT_EQ(k.default_dev_flags, kBlistSparselun);
}

TEST(ParseKernelCmdline, QuotesDashesAndLastWins) {
  auto k = parse_kernel_cmdline(
      "scsi-mod.dev-flags=A:B:1 scsi_mod.dev_flags=\"WDC WD25:00JB-00FUA0:0x40000\"");
  ASSERT_EQ(k.dev_flags.size(), 1u);
  EXPECT_EQ(k.dev_flags[0].vendor, "WDC WD25");
  EXPECT_EQ(k.dev_flags[0].model, "00JB-00FUA0     ");
  EXPECT_EQ(k.dev_flags[0].flags, kBlistNoreportlun);
  auto whole = parse_kernel_cmdline("\"scsi_mod.dev_flags=A B:C D:1\" x");
  ASSERT_EQ(whole.dev_flags.size(), 1u);
  EXPECT_EQ(whole.dev_flags[0].model, "C D             ");
}

TEST(ParseKernelCmdline, OtherModulesAndInitArgumentsIgnored) {
  auto k = parse_kernel_cmdline("usb_storage.dev_flags=A:B:1 scsi_mod.dev_flags "
                                "-- scsi_mod.default_dev_flags=1");
  EXPECT_TRUE(k.dev_flags.empty());
  EXPECT_FALSE(k.default_dev_flags);
  EXPECT_TRUE(k.errors.empty());
}

TEST(ParseKernelCmdline, GarbageReported) {
  auto k = parse_kernel_cmdline("scsi_mod.dev_flags=A:B scsi_mod.default_dev_flags=lots \"");
  EXPECT_TRUE(k.dev_flags.empty());
  EXPECT_FALSE(k.default_dev_flags);
  EXPECT_EQ(k.errors.size(), 2u);
}

TEST(ParseDefaultDevFlags, SysfsText) {
  EXPECT_EQ(parse_default_dev_flags("0\n"), 0u);
  EXPECT_EQ(parse_default_dev_flags("64\n"), 64u);
  EXPECT_FALSE(parse_default_dev_flags(""));
}

TEST(ParseSysfsBlacklist, Names) {
  auto b = parse_sysfs_blacklist("SPARSELUN LARGELUN REPORTLUN2 RETRY_ITF\n");
  EXPECT_EQ(b.flags, kBlistSparselun | kBlistLargelun | kBlistReportlun2 | kBlistRetryItf);
  EXPECT_TRUE(b.errors.empty());
  EXPECT_EQ(parse_sysfs_blacklist("").flags, 0u);
  EXPECT_EQ(parse_sysfs_blacklist("INVALID_BIT(40)\n").flags, BlistFlags{1} << 40);
}

TEST(ParseSysfsBlacklist, RoundTripsTheKernelFormat) {
  BlistFlags all = known_blist_flags() | (BlistFlags{1} << 15);
  EXPECT_EQ(parse_sysfs_blacklist(format_blist_flags(all) + "\n").flags, all);
}

TEST(ParseSysfsBlacklist, UnknownNameReported) {
  auto b = parse_sysfs_blacklist("NOLUN BOGUS\n");
  EXPECT_EQ(b.flags, kBlistNolun);
  EXPECT_EQ(b.errors.size(), 1u);
}

const Properties kPromiseHwdb = {{"SCSI_QUIRK_SPARSELUN", "1"}, {"SCSI_QUIRK_NO_RSOC", "1"}};

TEST(DecideQuirks, HwdbWhenNothingElse) {
  auto d = decide_quirks("Promise ", "VTrak E610f     ", kPromiseHwdb, {}, std::nullopt);
  EXPECT_EQ(d.flags, kBlistSparselun | kBlistNoRsoc);
  EXPECT_EQ(d.source, QuirkSource::kHwdb);
  EXPECT_TRUE(d.notes.empty());
}

TEST(DecideQuirks, DevFlagsEntryWinsOverHwdb) {
  auto k = parse_kernel_cmdline("scsi_mod.dev_flags=\"Promise:VTrak E610f:0x80\"");
  auto d = decide_quirks("Promise ", "VTrak E610f     ", kPromiseHwdb, k, std::nullopt);
  EXPECT_EQ(d.flags, kBlistMax5lun);
  EXPECT_EQ(d.source, QuirkSource::kDevFlags);
}

TEST(DecideQuirks, DefaultOnlyWithoutAnyMatch) {
  auto k = parse_kernel_cmdline("scsi_mod.default_dev_flags=0x200");
  EXPECT_EQ(decide_quirks("Linux   ", "scsi_debug      ", {}, k, std::nullopt).flags,
            kBlistLargelun);
  EXPECT_EQ(decide_quirks("Promise ", "VTrak E610f     ", kPromiseHwdb, k, std::nullopt).source,
            QuirkSource::kHwdb);
  EXPECT_EQ(decide_quirks("Linux   ", "scsi_debug      ", {}, {}, std::nullopt).source,
            QuirkSource::kNone);
}

TEST(DecideQuirks, WithoutAnyMatchWhatTheKernelApplied) {
  auto k = parse_kernel_cmdline("scsi_mod.default_dev_flags=0x200");
  auto d = decide_quirks("Generic-", "SD/MMC          ", {}, k, kBlistForcelun | kBlistInquiry36);
  EXPECT_EQ(d.flags, kBlistForcelun | kBlistInquiry36);
  EXPECT_EQ(d.source, QuirkSource::kKernel);
  EXPECT_EQ(quirk_source_name(d.source), "kernel");
}

TEST(DecideQuirks, LocalFileClearsAScanFlag) {
  Properties hwdb = kPromiseHwdb;
  hwdb.push_back({"SCSI_QUIRK_SPARSELUN", "0"});
  auto d = decide_quirks("Promise ", "VTrak E610f     ", hwdb, {},
                         kBlistSparselun | kBlistNoRsoc);
  EXPECT_EQ(d.flags, kBlistNoRsoc);
  EXPECT_TRUE(d.notes.empty());
}

TEST(DecideQuirks, FlagsFixedAtCreationCannotBeCleared) {
  Properties hwdb = {{"SCSI_QUIRK_NO_ULD_ATTACH", "0"}};
  auto d = decide_quirks("SGI     ", "Universal Xport ", hwdb, {}, kBlistNoUldAttach);
  EXPECT_EQ(d.flags, kBlistNoUldAttach);
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_NE(d.notes[0].find("NO_ULD_ATTACH"), std::string::npos);
  EXPECT_NE(d.notes[0].find("scsi_mod.dev_flags"), std::string::npos);
}

TEST(DecideQuirks, HwdbFlagsTheKernelDidNotApply) {
  // NO_RSOC is fixed at creation, SPARSELUN is the helper's scan flag.
  // The entry keeps what the kernel applied (here a driver's flag, which
  // the entry would otherwise take away) and adds the hwdb's.
  auto d = decide_quirks("Promise ", "VTrak E610f     ", kPromiseHwdb, {}, kBlistTryVpdPages);
  EXPECT_EQ(d.not_applied, kBlistNoRsoc);
  EXPECT_EQ(d.dev_flags_entry, "Promise:VTrak E610f:0x30000040");
  // A bit 6.1 does not name would make the kernel refuse the entry.
  d = decide_quirks("Promise ", "VTrak E610f     ", kPromiseHwdb, {}, BlistFlags{1} << 15);
  EXPECT_EQ(d.dev_flags_entry, "Promise:VTrak E610f:0x20000040");
  d = decide_quirks("Promise ", "VTrak E610f     ", kPromiseHwdb, {}, kBlistNoRsoc);
  EXPECT_EQ(d.not_applied, 0u);
  EXPECT_FALSE(d.dev_flags_entry);
  // Unknown without the sysfs record, and never for a boot-time entry.
  EXPECT_EQ(decide_quirks("Promise ", "VTrak E610f     ", kPromiseHwdb, {}, std::nullopt).not_applied, 0u);
  auto k = parse_kernel_cmdline("scsi_mod.dev_flags=\"Promise:VTrak E610f:0x20000000\"");
  EXPECT_EQ(decide_quirks("Promise ", "VTrak E610f     ", kPromiseHwdb, k, BlistFlags{0}).not_applied, 0u);
  EXPECT_EQ(creation_time_flags() & kBlistSparselun, 0u);
  EXPECT_NE(creation_time_flags() & kBlistNoUldAttach, 0u);
}

// The entry reads back, as the kernel parses it, as one that matches the
// device (its run-time entries compare all 8 and 16 bytes).
TEST(DevFlagsEntry, MatchesTheDeviceItWasMadeFor) {
  const auto e = dev_flags_entry("QEMU    ", "KP-FLAGS\0garbage", kBlistNotLockable | kBlistNoRsoc);
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, "QEMU:KP-FLAGS:0x20080000");
  const DevFlags parsed = parse_dev_flags(*e);
  ASSERT_EQ(parsed.entries.size(), 1u);
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.entries[0].flags, kBlistNotLockable | kBlistNoRsoc);
  EXPECT_TRUE(find_dev_flags_entry(parsed.entries, "QEMU    ", "KP-FLAGS\0garbage"));
  EXPECT_FALSE(find_dev_flags_entry(parsed.entries, "QEMU    ", "KP-FLAGS2       "));
  // Inner blanks stay, control bytes are blanks as the kernel keeps them.
  EXPECT_EQ(*dev_flags_entry("A B", "x\ty  ", 1), "A B:x y:0x1");
}

TEST(DevFlagsEntry, NotWhereTheParameterCannotSayIt) {
  EXPECT_FALSE(dev_flags_entry("A:B", "model", 1));
  EXPECT_FALSE(dev_flags_entry("AB", "mo,del", 1));
  EXPECT_FALSE(dev_flags_entry("AB", "mo\"del", 1));
  EXPECT_FALSE(dev_flags_entry("        ", "model", 1));
  EXPECT_FALSE(dev_flags_entry(" AB", "model", 1));
  EXPECT_TRUE(dev_flags_entry("AB", "", 1));
}

TEST(DecideQuirks, ErrorsArePassedOn) {
  auto k = parse_kernel_cmdline("scsi_mod.default_dev_flags=x");
  auto d = decide_quirks("A", "B", {{"SCSI_QUIRK_WHAT", "1"}}, k, std::nullopt);
  EXPECT_EQ(d.notes.size(), 2u);
  EXPECT_EQ(d.source, QuirkSource::kNone);
}

// Arbitrary bytes in every parser: no crash, and the outputs keep their
// shape (keys printable, dev_flags fields at the kernel's widths).
TEST(Robustness, RandomInputsKeepTheirShape) {
  std::mt19937 random(12345);
  const std::string alphabet = std::string("ab:,\"=_- \n\t0x19AZ") + '\0' + '\xff';
  auto text = [&](std::size_t max_length) {
    std::string s(random() % (max_length + 1), ' ');
    for (auto& c : s)
      c = random() % 4 ? alphabet[random() % alphabet.size()] : static_cast<char>(random());
    return s;
  };
  for (int i = 0; i < 3000; ++i) {
    std::string key = quirk_hwdb_key(text(20), text(20), text(8));
    ASSERT_TRUE(key.starts_with("scsi-quirk:v"));
    for (char c : key) ASSERT_TRUE(c >= 0x20 && c <= 0x7e) << key;
    auto k = parse_kernel_cmdline(text(300));
    for (const auto& e : k.dev_flags) {
      ASSERT_EQ(e.vendor.size(), kInquiryVendorWidth);
      ASSERT_EQ(e.model.size(), kInquiryModelWidth);
      ASSERT_EQ(e.flags & ~known_blist_flags(), 0u);
    }
    auto d = parse_dev_flags(text(60));
    for (const auto& e : d.entries) ASSERT_EQ(e.flags & ~known_blist_flags(), 0u);
    parse_sysfs_blacklist(text(60));
    auto q = parse_hwdb_quirks({{"SCSI_QUIRK_" + text(12), text(2)}, {text(20), text(3)}});
    ASSERT_EQ(q.set & q.cleared, 0u);
    parse_kernel_ull(text(24));
    decide_quirks(text(10), text(18), {}, k, std::nullopt);
  }
}

}  // namespace
}  // namespace scsi_probe
