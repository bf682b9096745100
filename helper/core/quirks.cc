#include "quirks.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "kernel_cmdline.h"
#include "text.h"

namespace scsi_probe {
namespace {

constexpr std::array<BlistFlagInfo, 29> kFlagTable{{
    {kBlistNolun, "NOLUN", QuirkClass::kScan, "probe LUN 0 only"},
    {kBlistForcelun, "FORCELUN", QuirkClass::kScan,
     "walk LUNs up to the host's limit instead of scsi_mod.max_luns"},
    {kBlistBorken, "BORKEN", QuirkClass::kKernelOnly, "broken handshaking"},
    {kBlistKey, "KEY", QuirkClass::kKernelOnly,
     "the kernel unlocks it with a special MODE SENSE at probe"},
    {kBlistSinglelun, "SINGLELUN", QuirkClass::kKernelOnly,
     "commands to one LUN of the target at a time"},
    {kBlistNotq, "NOTQ", QuirkClass::kKernelOnly, "no tagged command queuing"},
    {kBlistSparselun, "SPARSELUN", QuirkClass::kScan,
     "LUNs may have gaps: walk on past a missing LUN, up to the host's limit"},
    {kBlistMax5lun, "MAX5LUN", QuirkClass::kScan, "probe LUNs 0-4 only"},
    {kBlistIsrom, "ISROM", QuirkClass::kAttach, "treat as a removable CD-ROM (sr)"},
    {kBlistLargelun, "LARGELUN", QuirkClass::kScan,
     "walk past LUN 7 on a SCSI-2 or older device"},
    {kBlistInquiry36, "INQUIRY_36", QuirkClass::kProbe,
     "ask for 36 bytes of standard INQUIRY data, never more"},
    {kBlistIgnMediaChange, "IGN_MEDIA_CHANGE", QuirkClass::kKernelOnly,
     "ignore MEDIA CHANGE after runtime resume"},
    {kBlistNostartonadd, "NOSTARTONADD", QuirkClass::kKernelOnly,
     "no START STOP UNIT when the disk is added"},
    {kBlistNoVpdSize, "NO_VPD_SIZE", QuirkClass::kProbe,
     "read VPD pages at full size, without asking for the length first"},
    {kBlistReportlun2, "REPORTLUN2", QuirkClass::kScan,
     "send REPORT LUNS to a SCSI-2 device too (host with more than 8 LUNs)"},
    {kBlistNoreportlun, "NOREPORTLUN", QuirkClass::kScan, "never send REPORT LUNS"},
    {kBlistNotLockable, "NOT_LOCKABLE", QuirkClass::kKernelOnly,
     "no PREVENT ALLOW MEDIUM REMOVAL"},
    {kBlistNoUldAttach, "NO_ULD_ATTACH", QuirkClass::kAttach,
     "no upper-level driver: sg only (array management LUNs)"},
    {kBlistSelectNoAtn, "SELECT_NO_ATN", QuirkClass::kKernelOnly,
     "parallel SCSI selection without ATN"},
    {kBlistRetryHwerror, "RETRY_HWERROR", QuirkClass::kKernelOnly,
     "retry commands that end in HARDWARE ERROR"},
    {kBlistMax512, "MAX_512", QuirkClass::kKernelOnly, "transfers of at most 512 sectors"},
    {kBlistNoDif, "NO_DIF", QuirkClass::kKernelOnly, "no T10 protection information"},
    {kBlistSkipVpdPages, "SKIP_VPD_PAGES", QuirkClass::kProbe, "send no VPD INQUIRY"},
    {kBlistTryVpdPages, "TRY_VPD_PAGES", QuirkClass::kProbe,
     "read VPD pages even where the device's version suggests none"},
    {kBlistNoRsoc, "NO_RSOC", QuirkClass::kKernelOnly,
     "no REPORT SUPPORTED OPERATION CODES"},
    {kBlistMax1024, "MAX_1024", QuirkClass::kKernelOnly, "transfers of at most 1024 sectors"},
    {kBlistUnmapLimitWs, "UNMAP_LIMIT_WS", QuirkClass::kKernelOnly,
     "use the UNMAP limit for WRITE SAME"},
    {kBlistRetryItf, "RETRY_ITF", QuirkClass::kKernelOnly,
     "retry ABORTED COMMAND with INTERNAL TARGET FAILURE"},
    {kBlistRetryAscC1, "RETRY_ASC_C1", QuirkClass::kKernelOnly,
     "retry ABORTED COMMAND with ASC 0xc1"},
}};

constexpr std::string_view kHwdbPrefix = "SCSI_QUIRK_";
constexpr std::string_view kBlistPrefix = "BLIST_";
constexpr std::string_view kInvalidBitPrefix = "INVALID_BIT(";
// module_param_string(dev_flags, ..., 256): the value and its NUL.
constexpr std::size_t kDevFlagsMaxLength = 255;

// Kernel-style fixed-width copy of a dev_flags string: cut, then blank-padded.
std::string padded(std::string_view s, std::size_t width) {
  std::string out(s.substr(0, width));
  out.resize(width, ' ');
  return out;
}

// strsep(): the text up to the first of `delimiters`, and the rest after it
// (nullopt rest when no delimiter was found).
struct Split {
  std::string_view token;
  std::optional<std::string_view> rest;
};

Split strsep(std::string_view s, std::string_view delimiters) {
  auto pos = s.find_first_of(delimiters);
  if (pos == std::string_view::npos) return {s, std::nullopt};
  return {s.substr(0, pos), s.substr(pos + 1)};
}

void append(std::vector<std::string>& to, const std::vector<std::string>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

std::string kernel_sanitized_field(std::string_view raw, std::size_t width) {
  std::string out(width, ' ');
  for (std::size_t i = 0; i < width && i < raw.size(); ++i) {
    auto c = static_cast<unsigned char>(raw[i]);
    if (c == 0) break;
    if (c >= 0x20 && c <= 0x7e) out[i] = static_cast<char>(c);
  }
  return out;
}

std::string_view trim_blanks(std::string_view s) { return trim(s, " "); }

std::string quirk_hwdb_key(std::string_view vendor, std::string_view model,
                           std::string_view revision) {
  std::string key = "scsi-quirk:v";
  key += trim_blanks(kernel_sanitized_field(vendor, kInquiryVendorWidth));
  key += ":m";
  key += trim_blanks(kernel_sanitized_field(model, kInquiryModelWidth));
  key += ":r";
  key += trim_blanks(kernel_sanitized_field(revision, kInquiryRevisionWidth));
  key += ':';
  return key;
}

std::string_view quirk_class_name(QuirkClass c) {
  switch (c) {
    case QuirkClass::kScan: return "scan";
    case QuirkClass::kAttach: return "attach";
    case QuirkClass::kProbe: return "probe";
    case QuirkClass::kKernelOnly: return "kernel-only";
  }
  return "kernel-only";
}

std::span<const BlistFlagInfo> blist_flag_table() { return kFlagTable; }

const BlistFlagInfo* blist_flag_info(BlistFlags bit) {
  for (const auto& f : kFlagTable)
    if (f.bit == bit) return &f;
  return nullptr;
}

BlistFlags known_blist_flags() {
  BlistFlags mask = 0;
  for (const auto& f : kFlagTable) mask |= f.bit;
  return mask;
}

std::optional<BlistFlags> blist_flag_by_name(std::string_view name) {
  if (name.starts_with(kBlistPrefix)) name.remove_prefix(kBlistPrefix.size());
  for (const auto& f : kFlagTable)
    if (f.name == name) return f.bit;
  if (name.starts_with(kInvalidBitPrefix) && name.ends_with(')')) {
    std::string_view digits =
        name.substr(kInvalidBitPrefix.size(), name.size() - kInvalidBitPrefix.size() - 1);
    if (digits.empty() || digits.size() > 2 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    unsigned bit = 0;
    for (char c : digits) bit = bit * 10 + static_cast<unsigned>(c - '0');
    if (bit < 64) return BlistFlags{1} << bit;
  }
  return std::nullopt;
}

std::vector<std::string> blist_flag_names(BlistFlags mask) {
  std::vector<std::string> names;
  for (unsigned bit = 0; bit < 64; ++bit) {
    BlistFlags b = BlistFlags{1} << bit;
    if (!(mask & b)) continue;
    if (const auto* info = blist_flag_info(b))
      names.emplace_back(info->name);
    else
      names.push_back("INVALID_BIT(" + std::to_string(bit) + ")");
  }
  return names;
}

std::string format_blist_flags(BlistFlags mask) {
  std::string out;
  for (const auto& name : blist_flag_names(mask)) {
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out;
}

std::optional<uint64_t> parse_kernel_ull(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  unsigned base = 10;
  if (!text.empty() && text.front() == '0') {
    bool hex_digit_follows = text.size() > 2 && std::isxdigit(static_cast<unsigned char>(text[2]));
    if (text.size() > 1 && (text[1] == 'x' || text[1] == 'X') && hex_digit_follows) {
      base = 16;
      text.remove_prefix(2);
    } else {
      base = 8;
    }
  }
  uint64_t value = 0;
  std::size_t used = 0;
  for (; used < text.size(); ++used) {
    char c = text[used];
    unsigned digit;
    if (c >= '0' && c <= '9')
      digit = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f')
      digit = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      digit = static_cast<unsigned>(c - 'A' + 10);
    else
      break;
    if (digit >= base) break;
    if (value > (UINT64_MAX - digit) / base) return std::nullopt;
    value = value * base + digit;
  }
  if (used == 0) return std::nullopt;
  std::string_view rest = text.substr(used);
  if (rest == "\n") rest = {};
  if (!rest.empty()) return std::nullopt;
  return value;
}

HwdbQuirks parse_hwdb_quirks(const Properties& hwdb_properties) {
  HwdbQuirks q;
  for (const auto& p : hwdb_properties) {
    if (!std::string_view(p.key).starts_with(kHwdbPrefix)) continue;
    std::string_view name = std::string_view(p.key).substr(kHwdbPrefix.size());
    auto bit = blist_flag_by_name(name);
    if (!bit || !(*bit & known_blist_flags())) {
      q.errors.push_back("unknown quirk " + p.key);
      continue;
    }
    if (p.value == "1") {
      q.set |= *bit;
      q.cleared &= ~*bit;
    } else if (p.value == "0") {
      q.cleared |= *bit;
      q.set &= ~*bit;
    } else {
      q.errors.push_back(p.key + "=" + p.value + ": value is not 0 or 1");
      continue;
    }
    q.found = true;
  }
  return q;
}

DevFlags parse_dev_flags(std::string_view value) {
  DevFlags out;
  if (value.size() > kDevFlagsMaxLength) {
    out.errors.push_back("scsi_mod.dev_flags is longer than " +
                         std::to_string(kDevFlagsMaxLength) +
                         " characters: the kernel refuses it whole");
    return out;
  }
  std::string_view flags_end = ",";
  if (!value.empty() && value.front() == '"') {
    value.remove_prefix(1);
    flags_end = ",\"";
  }
  std::optional<std::string_view> next = value;
  while (next) {
    Split vendor = strsep(*next, ":");
    if (vendor.token.empty()) break;
    std::optional<Split> model, flags;
    if (vendor.rest) model = strsep(*vendor.rest, ":");
    if (model && model->rest) flags = strsep(*model->rest, flags_end);
    if (!model || !flags) {
      out.errors.push_back("dev_flags entry '" + std::string(vendor.token) +
                           "' lacks a model or flags field");
      break;
    }
    auto number = parse_kernel_ull(flags->token);
    if (!number) {
      out.errors.push_back("dev_flags entry '" + std::string(vendor.token) + ":" +
                           std::string(model->token) + "': flags '" +
                           std::string(flags->token) + "' are not a number");
      break;
    }
    if (*number & ~known_blist_flags()) {
      out.errors.push_back("dev_flags entry '" + std::string(vendor.token) + ":" +
                           std::string(model->token) + "': unsupported flags " +
                           hex_number(*number & ~known_blist_flags()));
      break;
    }
    out.entries.push_back({padded(vendor.token, kInquiryVendorWidth),
                           padded(model->token, kInquiryModelWidth), *number});
    next = flags->rest;
  }
  return out;
}

const DevFlagsEntry* find_dev_flags_entry(std::span<const DevFlagsEntry> entries,
                                          std::string_view vendor, std::string_view model) {
  std::string v = kernel_sanitized_field(vendor, kInquiryVendorWidth);
  std::string m = kernel_sanitized_field(model, kInquiryModelWidth);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (it->vendor == v && it->model == m) return &*it;
  return nullptr;
}

bool builtin_entry_matches(std::string_view entry_vendor, std::string_view entry_model,
                           std::string_view vendor, std::string_view model) {
  std::string v = kernel_sanitized_field(vendor, kInquiryVendorWidth);
  std::string m = kernel_sanitized_field(model, kInquiryModelWidth);
  return trim_blanks(v) == entry_vendor.substr(0, kInquiryVendorWidth) &&
         trim_blanks(m).starts_with(entry_model.substr(0, kInquiryModelWidth));
}

KernelQuirkParameters parse_kernel_cmdline(std::string_view cmdline) {
  KernelQuirkParameters k;
  std::optional<std::string_view> dev_flags;
  for (const auto& word : split_kernel_cmdline(cmdline)) {
    if (!word.value) continue;
    if (parameter_name_equals(word.name, "scsi_mod.dev_flags")) {
      dev_flags = word.value;
    } else if (parameter_name_equals(word.name, "scsi_mod.default_dev_flags")) {
      auto number = parse_kernel_ull(*word.value);
      if (number) {
        k.default_dev_flags = *number;
      } else {
        k.errors.push_back("scsi_mod.default_dev_flags='" + std::string(*word.value) +
                           "' is not a number");
      }
    }
  }
  if (dev_flags) {
    DevFlags parsed = parse_dev_flags(*dev_flags);
    k.dev_flags = std::move(parsed.entries);
    append(k.errors, parsed.errors);
  }
  return k;
}

std::optional<BlistFlags> parse_default_dev_flags(std::string_view text) {
  return parse_kernel_ull(text);
}

SysfsBlacklist parse_sysfs_blacklist(std::string_view text) {
  SysfsBlacklist out;
  for (std::string_view name : split_words(text, " \t\n")) {
    if (auto bit = blist_flag_by_name(name))
      out.flags |= *bit;
    else
      out.errors.push_back("unknown flag '" + std::string(name) + "' in sysfs blacklist");
  }
  return out;
}

std::string_view quirk_source_name(QuirkSource s) {
  switch (s) {
    case QuirkSource::kNone: return "none";
    case QuirkSource::kHwdb: return "hwdb";
    case QuirkSource::kDevFlags: return "dev_flags";
    case QuirkSource::kDefault: return "default_dev_flags";
    case QuirkSource::kKernel: return "kernel";
  }
  return "none";
}

BlistFlags creation_time_flags() {
  BlistFlags fixed = ~known_blist_flags();
  for (const auto& f : kFlagTable)
    if (kernel_applies_at_creation(f.use)) fixed |= f.bit;
  return fixed;
}

QuirkDecision decide_quirks(std::string_view vendor, std::string_view model,
                            const Properties& hwdb_properties,
                            const KernelQuirkParameters& kernel,
                            std::optional<BlistFlags> kernel_applied) {
  QuirkDecision d;
  append(d.notes, kernel.errors);
  HwdbQuirks hwdb = parse_hwdb_quirks(hwdb_properties);
  append(d.notes, hwdb.errors);
  if (const auto* entry = find_dev_flags_entry(kernel.dev_flags, vendor, model)) {
    d.flags = entry->flags;
    d.source = QuirkSource::kDevFlags;
  } else if (hwdb.found) {
    d.flags = hwdb.set;
    d.source = QuirkSource::kHwdb;
  } else if (kernel_applied) {
    d.flags = *kernel_applied;
    d.source = QuirkSource::kKernel;
  } else if (kernel.default_dev_flags) {
    d.flags = *kernel.default_dev_flags;
    d.source = QuirkSource::kDefault;
  }
  if (!kernel_applied) return d;
  const BlistFlags fixed = creation_time_flags();
  if (d.source == QuirkSource::kHwdb) {
    // An entry takes the place of the table's flags and of those the driver
    // set (scsi_get_device_flags_keyed): it keeps what the kernel applied
    // and adds the hwdb's, never clearing a flag. A bit 6.1 does not name
    // would make the kernel refuse the whole entry.
    d.not_applied = d.flags & fixed & ~*kernel_applied;
    if (d.not_applied)
      d.dev_flags_entry = dev_flags_entry(vendor, model, (d.flags | *kernel_applied) & known_blist_flags());
  }
  BlistFlags in_force = *kernel_applied & fixed;
  BlistFlags kept = in_force & ~d.flags;
  if ((kept & hwdb.cleared) != 0 && d.source == QuirkSource::kHwdb)
    d.notes.push_back("cannot clear " + format_blist_flags(kept & hwdb.cleared) +
                      ": the kernel applied it when it created the device "
                      "(boot with scsi_mod.dev_flags= instead)");
  d.flags |= in_force;
  return d;
}

std::optional<std::string> dev_flags_entry(std::string_view vendor, std::string_view model,
                                           BlistFlags flags) {
  auto field = [](std::string_view raw, std::size_t width) {
    std::string f = kernel_sanitized_field(raw, width);
    f.erase(f.find_last_not_of(' ') + 1);
    return f;
  };
  const std::string v = field(vendor, kInquiryVendorWidth);
  const std::string m = field(model, kInquiryModelWidth);
  auto unsayable = [](const std::string& f) { return f.find_first_of(":,\"") != std::string::npos; };
  if (v.empty() || v.front() == ' ' || unsayable(v) || unsayable(m)) return std::nullopt;
  return v + ":" + m + ":" + hex_number(flags);
}

}  // namespace scsi_probe
