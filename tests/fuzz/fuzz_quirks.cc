// The quirk text parsers: scsi_mod.dev_flags, the kernel command line, the
// sysfs `blacklist` and `default_dev_flags`, flag names, hwdb SCSI_QUIRK_
// properties, the quirk decision over all of them, and the run-time
// dev_flags entry it hands to the kernel.
// Input: a flag mask (u64), a kernel-applied mask (u64, used when the
// following u8 is odd), vendor (field), model (field), then the text. The
// text is handed to every parser; for the hwdb it is read as lines
// " KEY=VALUE".
#include <algorithm>
#include <string>

#include "fuzz_input.h"
#include "quirks.h"

using namespace scsi_probe;

namespace {

bool printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

void check_entries(const std::vector<DevFlagsEntry>& entries) {
  for (const auto& e : entries) {
    FUZZ_CHECK(e.vendor.size() == kInquiryVendorWidth && e.model.size() == kInquiryModelWidth);
    FUZZ_CHECK((e.flags & ~known_blist_flags()) == 0);
    FUZZ_CHECK(e.vendor.find(':') == std::string::npos && e.model.find(':') == std::string::npos);
    // A device whose INQUIRY fields are the entry's finds it (or a later
    // entry for the same device: the kernel keeps the last one).
    if (printable(e.vendor) && printable(e.model)) {
      const DevFlagsEntry* found = find_dev_flags_entry(entries, e.vendor, e.model);
      FUZZ_CHECK(found && found->vendor == e.vendor && found->model == e.model);
      FUZZ_CHECK(found >= &e);
    }
  }
}

Properties hwdb_lines(std::string_view text) {
  Properties props;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
    std::size_t eq = line.find('=');
    if (eq != std::string_view::npos)
      props.push_back({std::string(line.substr(0, eq)), std::string(line.substr(eq + 1))});
  }
  return props;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const BlistFlags mask = in.u64();
  const BlistFlags applied_mask = in.u64();
  const std::optional<BlistFlags> applied =
      in.flag() ? std::optional<BlistFlags>(applied_mask) : std::nullopt;
  const std::string_view vendor = fuzz::text(in.field());
  const std::string_view model = fuzz::text(in.field());
  const std::string_view text = fuzz::text(in.rest());

  // Flag names and sysfs's `blacklist` are each other's inverse.
  const std::string names = format_blist_flags(mask);
  const SysfsBlacklist round = parse_sysfs_blacklist(names + "\n");
  FUZZ_CHECK(round.flags == mask && round.errors.empty());
  for (const auto& name : blist_flag_names(mask)) {
    const auto bit = blist_flag_by_name(name);
    FUZZ_CHECK(bit && (*bit & mask) == *bit && __builtin_popcountll(*bit) == 1);
  }
  if (const auto bit = blist_flag_by_name(text)) {
    FUZZ_CHECK(__builtin_popcountll(*bit) == 1);
    const auto name = blist_flag_names(*bit);
    FUZZ_CHECK(name.size() == 1 && blist_flag_by_name(name[0]) == bit);
  }
  (void)parse_sysfs_blacklist(text);

  // Numbers as kstrtoull reads them.
  if (const auto n = parse_kernel_ull(text)) {
    FUZZ_CHECK(parse_kernel_ull(std::to_string(*n)) == n);
    FUZZ_CHECK(parse_default_dev_flags(text) == n);
  }

  const DevFlags dev_flags = parse_dev_flags(text);
  if (text.size() > 255) FUZZ_CHECK(dev_flags.entries.empty() && !dev_flags.errors.empty());
  check_entries(dev_flags.entries);

  const KernelQuirkParameters kernel = parse_kernel_cmdline(text);
  check_entries(kernel.dev_flags);

  const Properties hwdb = hwdb_lines(text);
  const HwdbQuirks q = parse_hwdb_quirks(hwdb);
  FUZZ_CHECK((q.set & q.cleared) == 0);
  FUZZ_CHECK(((q.set | q.cleared) & ~known_blist_flags()) == 0);
  if (!q.found) FUZZ_CHECK(q.set == 0 && q.cleared == 0);

  // The decision: flags the kernel fixed at creation stay whatever the
  // hwdb says.
  const QuirkDecision d = decide_quirks(vendor, model, hwdb, kernel, applied);
  if (applied) {
    for (const auto& f : blist_flag_table())
      if (kernel_applies_at_creation(f.use) && (*applied & f.bit)) FUZZ_CHECK(d.flags & f.bit);
  }
  if (d.source == QuirkSource::kNone) FUZZ_CHECK(d.flags == 0 && !applied);
  FUZZ_CHECK(!quirk_source_name(d.source).empty());
  // Flags the kernel did not apply are the hwdb's, fixed at creation; the
  // run-time dev_flags entry for them reads back, as the kernel parses it,
  // as one entry for this very device that keeps every flag in force.
  FUZZ_CHECK((d.not_applied & ~creation_time_flags()) == 0);
  if (d.not_applied) FUZZ_CHECK(applied && d.source == QuirkSource::kHwdb && (d.not_applied & *applied) == 0);
  if (d.dev_flags_entry) {
    FUZZ_CHECK(d.not_applied != 0);
    const DevFlags back = parse_dev_flags(*d.dev_flags_entry);
    FUZZ_CHECK(back.errors.empty() && back.entries.size() == 1);
    const DevFlagsEntry* found = find_dev_flags_entry(back.entries, vendor, model);
    const BlistFlags kept = (d.flags | *applied) & known_blist_flags();
    FUZZ_CHECK(found && found->flags == kept);
  }
  if (const auto e = dev_flags_entry(vendor, model, mask & known_blist_flags())) {
    const DevFlags back = parse_dev_flags(*e);
    FUZZ_CHECK(back.errors.empty() && back.entries.size() == 1 && back.entries[0].flags == (mask & known_blist_flags()));
    FUZZ_CHECK(find_dev_flags_entry(back.entries, vendor, model));
  }
  return 0;
}
