#include "scan_plan.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <unordered_set>

#include "report_luns.h"

namespace scsi_probe {

namespace {

// scsi_scan() reads the LUN field with "%16s".
constexpr std::size_t kScanLunFieldChars = 16;

std::string hex(uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::optional<std::string> scan_lun_text(uint64_t linux_lun) {
  std::string text = std::to_string(linux_lun);
  if (text.size() <= kScanLunFieldChars) return text;
  text = hex(linux_lun);
  if (text.size() <= kScanLunFieldChars) return text;
  return std::nullopt;
}

std::string level_name(int level) {
  switch (level) {
    case kScsiLevelUnknown: return "scsi_level 0 (unknown)";
    case kScsiLevel1: return "scsi_level 1 (SCSI-1)";
    case kScsiLevel1Ccs: return "scsi_level 2 (SCSI-1 CCS)";
    case kScsiLevel2: return "scsi_level 3 (SCSI-2)";
    default: return "scsi_level " + std::to_string(level);
  }
}

std::string max_lun_text(const HostLimits& host) {
  return host.max_lun ? "host max_lun " + std::to_string(*host.max_lun) : "host max_lun unknown";
}

// scsi_sequential_lun_scan's bounds. max_dev_lun is a 32-bit uint there:
// the u64 limits are cut to it before the 5/8/256 caps apply.
SequentialScan sequential_bounds(const LunScanInput& in) {
  const uint64_t host_max = in.host.max_lun.value_or(std::numeric_limits<uint64_t>::max());
  SequentialScan scan;
  auto end = static_cast<uint32_t>(std::min(in.max_scsi_luns, host_max));
  std::string why = "max_luns/" + max_lun_text(in.host);
  if (in.flags & kBlistSparselun) {
    end = static_cast<uint32_t>(host_max);
    scan.sparse = true;
    why = "BLIST_SPARSELUN: " + max_lun_text(in.host) + ", past gaps";
  }
  if (in.flags & kBlistForcelun) {
    end = static_cast<uint32_t>(host_max);
    why = "BLIST_FORCELUN: " + max_lun_text(in.host);
  }
  if (in.flags & kBlistMax5lun) {
    if (end > 5) why = "BLIST_MAX5LUN";
    end = std::min<uint32_t>(5, end);
  }
  if (in.scsi_level < kScsiLevel3 && !(in.flags & kBlistLargelun)) {
    if (end > 8) why = level_name(in.scsi_level) + " without BLIST_LARGELUN";
    end = std::min<uint32_t>(8, end);
  } else {
    if (end > 256) why = "at most 256 LUNs";
    end = std::min<uint32_t>(256, end);
  }
  scan.end = end;
  if (scan.end <= scan.first_lun) {
    scan.reason = "no LUN past 0 to probe (" + why + ")";
  } else {
    scan.reason = "sequential scan of LUNs 1-" + std::to_string(scan.end - 1) + " (" + why + "), " +
                  (scan.sparse ? "past gaps" : "stopping at the first LUN not added");
  }
  return scan;
}

}  // namespace

ScanMode parse_scan_mode(std::string_view text) {
  if (text.substr(0, 4) == "none") return ScanMode::kNone;
  if (text.substr(0, 6) == "manual") return ScanMode::kManual;
  if (text.substr(0, 4) == "sync") return ScanMode::kSync;
  return ScanMode::kAsync;
}

ScanTrigger scan_trigger(std::string_view action) {
  return action == "add" ? ScanTrigger::kTargetAdded : ScanTrigger::kRescan;
}

bool scan_attribute_admits(uint64_t linux_lun, const HostLimits& host) {
  if (!scan_lun_text(linux_lun)) return false;
  if (!host.max_lun) return true;
  switch (host.scan_check) {
    case ScanLunCheck::kBelowMaxLun: return linux_lun < *host.max_lun;
    case ScanLunCheck::kUpToMaxLun: return linux_lun <= *host.max_lun;
    case ScanLunCheck::kUnchecked: return true;
  }
  return false;
}

std::optional<std::string> scan_attribute_value(unsigned channel, unsigned id, uint64_t linux_lun) {
  auto lun = scan_lun_text(linux_lun);
  if (!lun) return std::nullopt;
  return std::to_string(channel) + " " + std::to_string(id) + " " + *lun;
}

std::string scan_attribute_target_value(unsigned channel, unsigned id) {
  return std::to_string(channel) + " " + std::to_string(id) + " -";
}

std::string_view scan_mode_name(ScanMode mode) {
  switch (mode) {
    case ScanMode::kSync: return "sync";
    case ScanMode::kAsync: return "async";
    case ScanMode::kManual: return "manual";
    case ScanMode::kNone: return "none";
  }
  return "?";
}

Decision helper_scans(ScanMode mode, ScanTrigger trigger) {
  switch (mode) {
    case ScanMode::kNone:
      return {false, "scsi_mod.scan=none: no automatic scanning"};
    case ScanMode::kManual:
      return {true, "scsi_mod.scan=manual: the kernel scans nothing by itself"};
    case ScanMode::kSync:
    case ScanMode::kAsync: {
      const std::string mode_text(scan_mode_name(mode));
      if (trigger == ScanTrigger::kTargetAdded) {
        return {false, "scsi_mod.scan=" + mode_text + ": the kernel scanned this target itself"};
      }
      return {true, "scsi_mod.scan=" + mode_text + ": the kernel never rescans LUNs on a change"};
    }
  }
  return {false, "unknown scan mode"};
}

ProbeDecision classify_probe(uint64_t linux_lun, const std::optional<LunInquiry>& inquiry,
                             bool pdt_1f_for_no_lun) {
  if (!inquiry) return {ProbeResult::kNoResponse, "no INQUIRY data: no response"};
  if (inquiry->qualifier == 3) {
    return {ProbeResult::kTargetPresent, "peripheral qualifier 3: no logical unit, target present"};
  }
  if ((inquiry->qualifier == 1 || pdt_1f_for_no_lun) && inquiry->device_type == 0x1f &&
      !kernel_is_wlun(linux_lun)) {
    return {ProbeResult::kTargetPresent,
            inquiry->qualifier == 1 ? "peripheral qualifier 1 with type 0x1f: nothing connected"
                                    : "type 0x1f on a pdt_1f_for_no_lun target: nothing connected"};
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "peripheral qualifier %u, type 0x%02x: added",
                unsigned{inquiry->qualifier}, unsigned{inquiry->device_type});
  return {ProbeResult::kLunPresent, buf};
}

TargetAccessDecision choose_target_access(const TargetAccessInput& in) {
  const auto has = [&](uint64_t lun) {
    return std::find(in.existing.begin(), in.existing.end(), lun) != in.existing.end();
  };
  if (in.lun0_present || has(0)) return {TargetAccess::kLun0, 0, false, "LUN 0 present: REPORT LUNS through LUN 0"};
  if (has(kReportLunsWellKnownLun) || (in.well_known_lun_tried && in.well_known_lun_present)) {
    return {TargetAccess::kWellKnownLun, kReportLunsWellKnownLun, false,
            "LUN 0 not added: REPORT LUNS through the well-known LUN 49409"};
  }
  if (!in.existing.empty()) {
    return {TargetAccess::kExistingLun, in.existing.front(), false,
            "LUN 0 not added: REPORT LUNS through LUN " + std::to_string(in.existing.front())};
  }
  if (in.well_known_lun_tried) {
    return {TargetAccess::kKernelTargetScan, 0, false,
            "LUN 0 not added and no well-known LUN 49409 appeared: kernel scan of this target"};
  }
  if (scan_attribute_admits(kReportLunsWellKnownLun, in.host)) {
    return {TargetAccess::kWellKnownLun, kReportLunsWellKnownLun, true,
            "LUN 0 not added: try the well-known LUN 49409 (" + max_lun_text(in.host) + ")"};
  }
  return {TargetAccess::kKernelTargetScan, 0, false,
          "LUN 0 not added and " + max_lun_text(in.host) +
              " refuses the well-known LUN 49409: kernel scan of this target"};
}

LunScanPlan plan_lun_scan(const LunScanInput& in) {
  LunScanPlan plan;
  plan.sequential = sequential_bounds(in);
  const auto sequential = [&](std::string why) {
    plan.method = LunScanMethod::kSequential;
    plan.reason = why + "; " + plan.sequential.reason;
    return plan;
  };
  if (in.flags & kBlistNoreportlun) return sequential("BLIST_NOREPORTLUN");
  if (in.scsi_level < kScsiLevel2 && in.scsi_level != kScsiLevelUnknown) {
    return sequential(level_name(in.scsi_level) + ": no REPORT LUNS before SCSI-2");
  }
  if (in.scsi_level < kScsiLevel3) {
    if (!(in.flags & kBlistReportlun2)) {
      return sequential(level_name(in.scsi_level) + " without BLIST_REPORTLUN2");
    }
    if (in.host.max_lun && *in.host.max_lun <= 8) {
      return sequential("BLIST_REPORTLUN2 but " + max_lun_text(in.host) + " (8 or less)");
    }
  }
  if (in.flags & kBlistNolun) {
    plan.method = LunScanMethod::kLun0Only;
    plan.reason = "BLIST_NOLUN: no LUN past 0";
    return plan;
  }
  if (in.no_report_luns) return sequential("the driver set no_report_luns");
  plan.method = LunScanMethod::kReportLuns;
  plan.reason = "REPORT LUNS (" + level_name(in.scsi_level) +
                ((in.flags & kBlistReportlun2) && in.scsi_level < kScsiLevel3 ? ", BLIST_REPORTLUN2" : "") +
                "); if it fails, " + plan.sequential.reason;
  return plan;
}

std::optional<uint64_t> first_sequential_lun(const SequentialScan& scan) {
  if (scan.first_lun >= scan.end) return std::nullopt;
  return scan.first_lun;
}

std::optional<uint64_t> next_sequential_lun(const SequentialScan& scan, uint64_t probed, bool added) {
  if (!added && !scan.sparse) return std::nullopt;
  if (probed + 1 >= scan.end) return std::nullopt;
  return probed + 1;
}

std::vector<LunChoice> choose_reported_luns(const ReportedLunsInput& in) {
  std::vector<LunChoice> choices;
  choices.reserve(in.reported.size());
  std::unordered_set<uint64_t> seen;
  const std::unordered_set<uint64_t> existing(in.existing.begin(), in.existing.end());
  for (uint64_t lun : in.reported) {
    LunChoice choice{lun, LunAction::kInstantiate, "reported: instantiate"};
    if (!seen.insert(lun).second) {
      choice = {lun, LunAction::kDuplicate, "listed again: already handled"};
    } else if (in.host.max_lun && lun > *in.host.max_lun) {
      choice = {lun, LunAction::kBeyondHostMaxLun,
                "LUN larger than allowed by the host adapter (" + max_lun_text(in.host) + ")"};
    } else if (lun == 0 && in.lun0_probed) {
      choice = {lun, LunAction::kAlreadyProbed, "LUN 0 was probed before REPORT LUNS"};
    } else if (existing.count(lun)) {
      choice = {lun, LunAction::kAlreadyPresent, "already present"};
    } else if (!scan_attribute_admits(lun, in.host)) {
      choice = {lun, LunAction::kKernelScanOnly,
                "the scan attribute refuses it (" + max_lun_text(in.host) +
                    "): only the kernel's scan reaches it"};
    }
    choices.push_back(std::move(choice));
  }
  return choices;
}

bool delete_well_known_lun_after_use(std::span<const uint64_t> reported) {
  return std::find(reported.begin(), reported.end(), kReportLunsWellKnownLun) == reported.end();
}

Batch plan_batch(const std::vector<bool>& writes, std::size_t cursor, const BatchLimits& limits) {
  const std::size_t total = writes.size();
  if (cursor >= total) return {total, total, std::nullopt};
  const std::size_t per_run = std::max<std::size_t>(1, limits.max_luns_per_run);
  Batch batch;
  batch.begin = cursor;
  std::size_t i = cursor, n = 0;
  // At least one entry, so that a chain of runs always ends.
  while (i < total && n < per_run) n += writes[i++];
  batch.end = i;
  if (batch.end < total) batch.next = batch.end;
  return batch;
}

std::optional<std::size_t> stop_for_time(const Batch& batch, std::size_t done,
                                         std::chrono::milliseconds elapsed,
                                         const BatchLimits& limits) {
  if (done <= batch.begin || done >= batch.end) return std::nullopt;
  if (elapsed < limits.max_run_time) return std::nullopt;
  return done;
}

std::string format_continue_cursor(std::size_t cursor) { return std::to_string(cursor); }

std::optional<std::size_t> parse_continue_cursor(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::size_t>(c - '0');
    if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

bool host_gone_error(int error) { return error == ENOENT || error == ENODEV || error == ENXIO; }

bool host_state_removed(std::string_view state) {
  return state.starts_with("cancel") || state.starts_with("deleted");
}

}  // namespace scsi_probe
