#include "target_scan.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ostream>

#include <unistd.h>

#include <thread>

#include "device_handoff.h"
#include "device_use_facts.h"
#include "inquiry.h"
#include "lun_diff.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "report_luns.h"
#include "scsi_channel.h"
#include "system_log.h"

namespace scsi_probe {

namespace {

using Clock = std::chrono::steady_clock;


std::unique_ptr<ScsiChannel> open_device_channel(udev* u, const ScsiAddress& a, std::string& error) {
  UdevDevicePtr dev = scsi_device_at(u, a);
  if (!dev) {
    error = format_scsi_address(a) + ": gone";
    return nullptr;
  }
  return ScsiChannel::open_first(command_nodes(u, dev.get()), error);
}

class TargetScan {
 public:
  TargetScan(udev* u, SysfsScsiHost& host, ScsiTarget t, bool verbose, std::ostream& err)
      : u_(u), host_(host), t_(t), verbose_(verbose), err_(err) {}

  TargetScanResult run(ScanTrigger trigger, std::size_t cursor);

 private:
  void log(const std::string& line) {
    if (verbose_) say(line);
  }
  // Deletions and what kept a device from one are logged whatever the verbosity.
  void say(const std::string& line) { err_ << "scsi-probe target " << format_scsi_target(t_) << ": " << line << "\n"; }
  ScsiAddress at(uint64_t lun) const { return t_.lun(lun); }
  bool exists(uint64_t lun) const { return host_.device_exists(at(lun)); }
  // Writes "C T L"; true when the LUN exists afterwards.
  bool instantiate(uint64_t lun);
  std::optional<std::vector<uint64_t>> report_luns(uint64_t via);
  void sequential(const SequentialScan& scan);
  void remove_gone(std::span<const uint64_t> reported, uint64_t via, Clock::time_point start);
  // The LUN's fresh answer confirms nothing is there; else why it is kept.
  std::optional<std::string> confirm_gone(uint64_t lun);
  // Deletes the LUN unless it is in use; says which, and why.
  bool delete_unless_in_use(uint64_t lun, const std::string& why);

  // The administrator's LUN policy: a LUN it does not list is not
  // instantiated at all (lun_policy.h).
  bool policy_allows(uint64_t lun);

  udev* u_;
  SysfsScsiHost& host_;
  ScsiTarget t_;
  bool verbose_;
  std::ostream& err_;
  TargetScanResult r_;
  Policy policy_;
  TargetIdentity identity_;
  int skipped_by_policy_ = 0;
};

bool TargetScan::policy_allows(uint64_t lun) {
  if (policy_.empty()) return true;
  InstantiateDecision d = decide_instantiate(policy_, LunAddress{at(lun), identity_});
  if (!d.instantiate) {
    ++skipped_by_policy_;
    log("LUN " + std::to_string(lun) + " not instantiated: " + d.reason);
  }
  return d.instantiate;
}

bool TargetScan::instantiate(uint64_t lun) {
  int rc = host_.scan_lun(at(lun));
  if (rc == ERANGE) {
    r_.reasons.push_back("LUN " + std::to_string(lun) + " does not fit the scan attribute");
    return false;
  }
  if (rc != 0 && host_gone_error(rc)) {
    if (!r_.host_gone)
      r_.reasons.push_back("host gone at LUN " + std::to_string(lun) + " (scan: " + std::strerror(rc) +
                           "): scan stopped");
    r_.host_gone = true;
    return false;
  }
  if (rc != 0) {
    log("scan \"" + *scan_attribute_value(t_.channel, t_.id, lun) + "\": " + std::strerror(rc));
    if (rc == EINVAL) r_.reasons.push_back("LUN " + std::to_string(lun) + " past the host's max_lun");
    return false;
  }
  if (exists(lun)) return true;
  if (!host_.present()) {
    r_.reasons.push_back("host removed at LUN " + std::to_string(lun) + ": scan stopped");
    r_.host_gone = true;
  }
  return false;
}

std::optional<std::vector<uint64_t>> TargetScan::report_luns(uint64_t via) {
  std::string error;
  auto ch = open_device_channel(u_, at(via), error);
  if (!ch) {
    r_.reasons.push_back("REPORT LUNS: " + error);
    return std::nullopt;
  }
  CommandResult res = ch->report_luns();
  r_.commands += ch->commands_sent();
  std::string where = "REPORT LUNS via LUN " + std::to_string(via);
  if (!res.ok()) {
    r_.reasons.push_back(where + ": " + res.error);
    return std::nullopt;
  }
  auto list = parse_report_luns(res.data);
  if (!list) {
    r_.reasons.push_back(where + ": answer too short");
    return std::nullopt;
  }
  std::vector<uint64_t> luns;
  for (const auto& l : list->luns) luns.push_back(linux_lun_from_scsilun(l));
  r_.reasons.push_back(where + ": " + std::to_string(luns.size()) + " LUN(s)" +
                       (list->truncated ? " (list cut short)" : ""));
  return luns;
}

void TargetScan::sequential(const SequentialScan& scan) {
  for (auto lun = first_sequential_lun(scan); lun;) {
    // Only new LUNs count as added: on a rescan the walk passes the ones
    // already there.
    const bool present = exists(*lun);
    const bool added = !present && policy_allows(*lun) && instantiate(*lun);
    if (r_.host_gone) return;
    if (added) ++r_.added;
    lun = next_sequential_lun(scan, *lun, present || added);
  }
}

std::optional<std::string> TargetScan::confirm_gone(uint64_t lun) {
  UdevDevicePtr dev = scsi_device_at(u_, at(lun));
  if (!dev) return std::string("already gone");
  std::string error;
  auto ch = ScsiChannel::open_first(command_nodes(u_, dev.get()), error);
  if (!ch) return "kept: " + error;
  // The target no longer lists it; the LUN itself must confirm on a fresh command.
  const bool running = read_text_attribute(dev.get(), "state").value_or("") == "running";
  CommandResult res = ch->inquiry(36);
  r_.commands += ch->commands_sent();
  RemovalDecision gone = confirm_removal({res.ok(), res.data, res.sense, res.host_status, running});
  if (!gone.remove) return "kept: " + gone.reason;
  return std::nullopt;
}

bool TargetScan::delete_unless_in_use(uint64_t lun, const std::string& why) {
  const std::string name = "LUN " + std::to_string(lun);
  UdevDevicePtr dev = scsi_device_at(u_, at(lun));
  if (!dev) return false;
  UseVerdict use = device_use(u_, dev.get());
  if (use.in_use) {
    r_.reasons.push_back(name + " kept (" + why + "): " + use.reason);
    say(name + " not deleted (" + why + "): " + use.reason);
    log_change({LogPriority::kNotice, format_scsi_address(at(lun)), "keep", why + "; not deleted: " + use.reason});
    return false;
  }
  int rc = host_.delete_device(at(lun), why);
  if (rc != 0) {
    r_.reasons.push_back(name + ": delete: " + std::strerror(rc));
    say(name + ": delete (" + why + "): " + std::strerror(rc));
    return false;
  }
  say(name + " deleted: " + why);
  return true;
}

void TargetScan::remove_gone(std::span<const uint64_t> reported, uint64_t via, Clock::time_point start) {
  const BatchLimits budget;
  // The administrator's setting first: by default a LUN that is no longer
  // reported is kept, as the kernel keeps it (scsi-probe.d(5)).
  std::vector<uint64_t> wanted;
  for (uint64_t lun : removal_candidates(host_.target_luns(t_), reported)) {
    UnreportedDecision u = decide_unreported(policy_, LunAddress{at(lun), identity_});
    if (u.remove) {
      wanted.push_back(lun);
      continue;
    }
    r_.reasons.push_back("LUN " + std::to_string(lun) + " no longer reported: kept, " + u.reason);
    say("LUN " + std::to_string(lun) + " no longer reported: kept, " + u.reason);
  }
  // Two checks separated by a wait: a LUN unmapped by mistake and mapped
  // again at once is not lost. Each check may cost a command timeout: the
  // run's budget bounds them, and the next rescan picks up what is left
  // (nothing is lost by keeping a LUN).
  std::vector<uint64_t> confirmed;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (Clock::now() - start > budget.max_run_time) {
      r_.reasons.push_back(std::to_string(wanted.size() - i) +
                           " unreported LUN(s) left for a later rescan: time budget spent");
      break;
    }
    if (auto kept = confirm_gone(wanted[i]))
      r_.reasons.push_back("LUN " + std::to_string(wanted[i]) + " " + *kept);
    else
      confirmed.push_back(wanted[i]);
  }
  if (confirmed.empty()) return;
  if (Clock::now() - start + kUnreportedRecheckWait > budget.max_run_time) {
    r_.reasons.push_back(std::to_string(confirmed.size()) +
                         " unreported LUN(s) left for a later rescan: no time left for the second check");
    return;
  }
  std::this_thread::sleep_for(kUnreportedRecheckWait);
  auto again = report_luns(via);
  if (!again) {
    r_.reasons.push_back(std::to_string(confirmed.size()) + " unreported LUN(s) kept: second REPORT LUNS failed");
    return;
  }
  for (uint64_t lun : confirmed) {
    const std::string name = "LUN " + std::to_string(lun);
    if (std::find(again->begin(), again->end(), lun) != again->end()) {
      r_.reasons.push_back(name + " kept: reported again");
      continue;
    }
    if (auto kept = confirm_gone(lun)) {
      r_.reasons.push_back(name + " " + *kept + " (second check)");
      continue;
    }
    if (delete_unless_in_use(lun, "no longer reported, confirmed gone twice " +
                                      std::to_string(kUnreportedRecheckWait.count()) + " s apart")) {
      ++r_.removed;
      r_.reasons.push_back(name + " removed: confirmed gone twice");
    }
  }
}

TargetScanResult TargetScan::run(ScanTrigger trigger, std::size_t cursor) {
  const auto start = Clock::now();
  policy_ = load_policy(err_);
  identity_ = target_identity(u_, t_.host, t_.channel, t_.id);
  HostLimits limits;  // max_lun is not in sysfs: EINVAL on a write shows it
  auto existing = host_.target_luns(t_);
  auto has = [&](uint64_t lun) {
    return std::find(existing.begin(), existing.end(), lun) != existing.end();
  };

  // Which LUN carries REPORT LUNS: LUN 0, the well-known LUN, any LUN the
  // target already has; else only the kernel's own scan of this target.
  TargetAccessInput access_in;
  access_in.host = limits;
  access_in.lun0_present = has(0);
  std::optional<uint64_t> via;
  if (access_in.lun0_present) {
    via = 0;
  } else if (has(kReportLunsWellKnownLun)) {
    via = kReportLunsWellKnownLun;
  } else if (!existing.empty()) {
    via = existing.front();
  } else {
    access_in.well_known_lun_tried = true;
    access_in.well_known_lun_present = instantiate(kReportLunsWellKnownLun);
    if (access_in.well_known_lun_present) via = kReportLunsWellKnownLun;
  }
  if (!via) {
    r_.reasons.push_back(choose_target_access(access_in).reason);
    r_.kernel_fallback = true;
    int rc = host_.kernel_scan_target(t_);
    if (rc) r_.reasons.push_back(std::string("kernel target scan: ") + std::strerror(rc));
    r_.added = static_cast<int>(host_.target_luns(t_).size());
    return r_;
  }

  // The plan follows the INQUIRY and quirks of the LUN the target answers through.
  UdevDevicePtr dev = scsi_device_at(u_, at(*via));
  std::vector<uint8_t> inquiry;
  if (dev)
    if (auto inq = read_binary_attribute(dev.get(), "inquiry")) inquiry = std::move(*inq);
  auto inq = parse_standard_inquiry(inquiry);
  LunScanInput in;
  in.host = limits;
  // usb-storage sets the target's no_report_luns itself (scsiglue.c).
  in.no_report_luns = host_.proc_name() == "usb-storage";
  if (inq) {
    // The kernel's own scsi_level where sysfs has it: its derivation from the
    // version byte changed between kernel releases.
    in.scsi_level = dev ? read_int_attribute(dev.get(), "scsi_level").value_or(kernel_scsi_level(*inq))
                        : kernel_scsi_level(*inq);
    in.flags = lookup_quirks(u_, inq->vendor, inq->model, inq->revision, dev.get()).flags;
  }
  if (auto max = read_module_parameter("scsi_mod", "max_luns"))
    if (auto v = parse_kernel_ull(*max)) in.max_scsi_luns = *v;
  LunScanPlan plan = plan_lun_scan(in);
  r_.reasons.push_back(plan.reason);

  std::optional<std::vector<uint64_t>> reported;
  if (plan.method == LunScanMethod::kReportLuns) reported = report_luns(*via);
  if (reported) {
    existing = host_.target_luns(t_);
    ReportedLunsInput rin;
    rin.reported = *reported;
    rin.existing = existing;
    rin.host = limits;
    // On a target's add event the host walk wrote "C T 0" already.
    rin.lun0_probed = trigger == ScanTrigger::kTargetAdded;
    auto choices = choose_reported_luns(rin);
    // Slices count scan writes: LUNs the policy leaves out cost none, so a
    // 16,384-LUN list with four wanted takes one run, not 64.
    std::vector<bool> writes(choices.size());
    for (std::size_t i = cursor; i < choices.size(); ++i) {
      const uint64_t lun = choices[i].linux_lun;
      writes[i] = choices[i].action == LunAction::kInstantiate &&
                  (policy_.empty() || decide_instantiate(policy_, LunAddress{at(lun), identity_}).instantiate);
    }
    const BatchLimits budget;
    Batch batch = plan_batch(writes, cursor, budget);
    for (std::size_t i = batch.begin; i < batch.end; ++i) {
      if (choices[i].action != LunAction::kInstantiate) continue;
      if (policy_allows(choices[i].linux_lun) && instantiate(choices[i].linux_lun)) ++r_.added;
      if (r_.host_gone) break;
      auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      if (auto stop = stop_for_time(batch, i + 1, elapsed, budget)) {
        r_.continue_at = stop;
        break;
      }
    }
    if (!r_.continue_at && !r_.host_gone) r_.continue_at = batch.next;
    if (trigger == ScanTrigger::kRescan && !r_.continue_at) remove_gone(*reported, *via, start);
    // The kernel's own scan never keeps the well-known LUN it went through
    // (nor adds one by itself: a scan run wrote "C T 49409", this one or the
    // host walk before it).
    if (*via == kReportLunsWellKnownLun && delete_well_known_lun_after_use(*reported))
      delete_unless_in_use(kReportLunsWellKnownLun, "the well-known LUN, after use");
  } else {
    if (*via == kReportLunsWellKnownLun)
      delete_unless_in_use(kReportLunsWellKnownLun, "the well-known LUN, after use");
    if (plan.method != LunScanMethod::kLun0Only) sequential(plan.sequential);
  }
  // LUN 0 was instantiated to reach the target; a rule that skips it has it
  // removed once the scan is done, if a scan run of scsi-probe created it
  // (its add event has not run yet: the run's handoff file is there). One
  // the kernel made, or that was there before, stays; so does a LUN 0 that
  // a listing merely leaves out.
  if (*via == 0 && !r_.continue_at && !policy_.empty()) {
    LunZeroAfterScan z = decide_lun0_after_scan(policy_, LunAddress{at(0), identity_},
                                                access(handoff_path(at(0)).c_str(), F_OK) == 0);
    if (z.remove)
      delete_unless_in_use(0, z.reason);
    else if (!decide_instantiate(policy_, LunAddress{at(0), identity_}).instantiate)
      r_.reasons.push_back(z.reason);
  }
  if (skipped_by_policy_)
    r_.reasons.push_back(std::to_string(skipped_by_policy_) + " LUN(s) left out by the LUN policy");
  return r_;
}

}  // namespace

TargetScanResult scan_target(udev* u, SysfsScsiHost& host, const ScsiTarget& t, ScanTrigger trigger,
                             std::size_t cursor, bool verbose, std::ostream& err) {
  return TargetScan(u, host, t, verbose, err).run(trigger, cursor);
}

void print_scan_result(const ScsiTarget& t, const TargetScanResult& r, std::ostream& out) {
  std::string reason;
  for (const auto& x : r.reasons) reason += (reason.empty() ? "" : "; ") + x;
  out << "SCSI_PROBE_TARGET=" << format_scsi_target(t) << "\n"
      << "SCSI_PROBE_LUNS_ADDED=" << r.added << "\n"
      << "SCSI_PROBE_LUNS_REMOVED=" << r.removed << "\n"
      << "SCSI_PROBE_KERNEL_SCAN=" << (r.kernel_fallback ? 1 : 0) << "\n"
      << "SCSI_PROBE_REASON=" << reason << "\n";
}

}  // namespace scsi_probe
