// The LUN-scan decisions of scan_plan.h over fuzzed facts: the scan
// attribute text, the sequential walk, the reported list, bounded runs, and
// the parsers of scsi_mod.scan and the continuation cursor.
// Input: numbers (see the reads below, in order), text (field), reported
// Linux LUNs (field of u64), existing Linux LUNs (the rest, u64 each).
#include <algorithm>
#include <set>
#include <vector>

#include "fuzz_input.h"
#include "quirks.h"
#include "scan_plan.h"

using namespace scsi_probe;

namespace {

void check_scan_value(unsigned channel, unsigned id, uint64_t lun) {
  const auto value = scan_attribute_value(channel, id, lun);
  // Decimal fits the 16 characters below 10^16, "0x..." below 2^56.
  FUZZ_CHECK(value.has_value() == (lun < (uint64_t{1} << 56)));
  if (!value) return;
  const std::string prefix = std::to_string(channel) + " " + std::to_string(id) + " ";
  FUZZ_CHECK(value->starts_with(prefix));
  const std::string lun_text = value->substr(prefix.size());
  FUZZ_CHECK(!lun_text.empty() && lun_text.size() <= 16);
  // The kernel reads it back with simple_strtoull(..., 0): the same number.
  FUZZ_CHECK(parse_kernel_ull(lun_text) == lun);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const unsigned channel = in.u32();
  const unsigned id = in.u32();
  const uint64_t lun = in.u64();
  HostLimits host;
  if (in.flag()) host.max_lun = in.u64();
  host.scan_check = static_cast<ScanLunCheck>(in.u8() % 3);
  LunScanInput scan_in;
  scan_in.scsi_level = in.u8() % 10;
  scan_in.flags = in.u64();
  scan_in.no_report_luns = in.flag();
  scan_in.host = host;
  scan_in.max_scsi_luns = in.u64();
  const uint32_t added_bits = in.u32();
  const bool lun0_probed = in.flag();
  const uint8_t target_flags = in.u8();
  const uint8_t inquiry_byte0 = in.u8();
  BatchLimits limits;
  limits.max_luns_per_run = in.u16();
  limits.max_run_time = std::chrono::milliseconds(in.u32());
  const std::size_t cursor = in.u16();
  const uint32_t elapsed = in.u32();
  const std::string_view text = fuzz::text(in.field());
  const auto reported = fuzz::luns(in.field());
  const auto existing = fuzz::luns(in.rest());

  // scsi_mod.scan and the cursor.
  (void)parse_scan_mode(text);
  if (const auto c = parse_continue_cursor(text)) {
    FUZZ_CHECK(parse_continue_cursor(format_continue_cursor(*c)) == c);
    if (text.size() == 1 || text[0] != '0') FUZZ_CHECK(format_continue_cursor(*c) == text);
  }
  FUZZ_CHECK(parse_continue_cursor(format_continue_cursor(cursor)) == cursor);

  check_scan_value(channel, id, lun);
  if (scan_attribute_admits(lun, host)) FUZZ_CHECK(scan_attribute_value(channel, id, lun));
  FUZZ_CHECK(scan_attribute_target_value(channel, id) ==
             std::to_string(channel) + " " + std::to_string(id) + " -");

  for (auto mode : {ScanMode::kSync, ScanMode::kAsync, ScanMode::kManual, ScanMode::kNone})
    for (auto trigger : {ScanTrigger::kTargetAdded, ScanTrigger::kRescan})
      FUZZ_CHECK(!helper_scans(mode, trigger).reason.empty());

  // One probed LUN.
  const LunInquiry inq{static_cast<uint8_t>(inquiry_byte0 >> 5),
                       static_cast<uint8_t>(inquiry_byte0 & 0x1f), scan_in.scsi_level};
  const ProbeDecision probe = classify_probe(lun, inq, target_flags & 1);
  FUZZ_CHECK(!probe.reason.empty());
  if (inq.qualifier == 3) FUZZ_CHECK(probe.result == ProbeResult::kTargetPresent);
  FUZZ_CHECK(classify_probe(lun, std::nullopt).result == ProbeResult::kNoResponse);

  TargetAccessInput access_in{static_cast<bool>(target_flags & 2),
                              static_cast<bool>(target_flags & 4),
                              static_cast<bool>(target_flags & 8), host, existing};
  const TargetAccessDecision access = choose_target_access(access_in);
  FUZZ_CHECK(!access.reason.empty());
  if (access_in.lun0_present) FUZZ_CHECK(access.access == TargetAccess::kLun0);
  // REPORT LUNS goes through a LUN that is there, or one written first.
  if (access.access != TargetAccess::kKernelTargetScan && !access.instantiate)
    FUZZ_CHECK((access.via == 0 && access_in.lun0_present) ||
               std::find(existing.begin(), existing.end(), access.via) != existing.end() ||
               (access.via == 0xc101 && access_in.well_known_lun_present));

  // The sequential walk is bounded and ascending.
  const LunScanPlan plan = plan_lun_scan(scan_in);
  FUZZ_CHECK(!plan.reason.empty());
  FUZZ_CHECK(plan.sequential.end <= 256);
  std::size_t probes = 0;
  uint64_t previous = 0;
  for (auto next = first_sequential_lun(plan.sequential); next;
       next = next_sequential_lun(plan.sequential, *next, added_bits >> (probes % 32) & 1)) {
    FUZZ_CHECK(*next >= 1 && *next < plan.sequential.end && *next > previous);
    previous = *next;
    FUZZ_CHECK(++probes <= 256);
  }

  // The reported list: one choice per entry, in order; what is written is
  // new, admitted by the host, and written once.
  ReportedLunsInput rl{reported, existing, lun0_probed, host};
  const auto choices = choose_reported_luns(rl);
  FUZZ_CHECK(choices.size() == reported.size());
  std::set<uint64_t> written;
  for (std::size_t i = 0; i < choices.size(); i++) {
    FUZZ_CHECK(choices[i].linux_lun == reported[i]);
    FUZZ_CHECK(!choices[i].reason.empty());
    if (choices[i].action != LunAction::kInstantiate) continue;
    const uint64_t l = choices[i].linux_lun;
    FUZZ_CHECK(written.insert(l).second);
    FUZZ_CHECK(std::find(existing.begin(), existing.end(), l) == existing.end());
    FUZZ_CHECK(scan_attribute_admits(l, host));
    FUZZ_CHECK(!(l == 0 && lun0_probed));
    FUZZ_CHECK(!host.max_lun || l <= *host.max_lun);
  }
  FUZZ_CHECK(static_cast<std::size_t>(std::count_if(choices.begin(), choices.end(), [](const LunChoice& c) {
               return c.action == LunAction::kInstantiate;
             })) == written.size());
  FUZZ_CHECK(delete_well_known_lun_after_use(reported) ==
             (std::find(reported.begin(), reported.end(), 0xc101) == reported.end()));

  // Bounded runs: a chain from any cursor ends, each run does at least one
  // entry and at most the limit, and a time stop lands inside the batch.
  const std::size_t total = choices.size();
  const std::vector<bool> every_entry_writes(total, true);
  const Batch first = plan_batch(every_entry_writes, cursor, limits);
  FUZZ_CHECK(first.begin <= first.end && first.end <= std::max(total, cursor));
  std::size_t runs = 0;
  for (std::optional<std::size_t> at = total ? std::optional<std::size_t>(0) : std::nullopt; at;) {
    const Batch b = plan_batch(every_entry_writes, *at, limits);
    FUZZ_CHECK(b.begin == *at && b.end > b.begin && b.end <= total);
    FUZZ_CHECK(b.end - b.begin <= std::max<std::size_t>(1, limits.max_luns_per_run));
    FUZZ_CHECK(b.next == (b.end < total ? std::optional<std::size_t>(b.end) : std::nullopt));
    const std::size_t done = b.begin + elapsed % (b.end - b.begin + 1);
    if (const auto stop = stop_for_time(b, done, std::chrono::milliseconds(elapsed), limits))
      FUZZ_CHECK(*stop > b.begin && *stop < b.end);
    at = b.next;
    FUZZ_CHECK(++runs <= total);
  }
  return 0;
}
