#include "lun_scan.h"

#include <algorithm>
#include <cerrno>
#include <coroutine>
#include <cstring>
#include <exception>
#include <ostream>
#include <utility>

#include "diagnostics.h"
#include "lun_diff.h"
#include "report_luns.h"

namespace scsi_probe {

namespace {

// The scan is written as the kernel writes it, one function per stage, each
// a coroutine that yields the actions it needs and reads their outcomes
// when resumed. A stage yields another stage's Task to run it to its end
// before going on; the stepper keeps the stack of running stages.
//
// GCC 12 destroys a braced temporary holding a std::string in a co_yield
// expression twice (a double free, seen under valgrind): an action with a
// text, and a stage given one, are built in a statement of their own.

// An action without a text: trivially destructible, so yielded as a temporary.
struct Step {
  LunScanStep step = LunScanStep::kDone;
  uint64_t lun = 0;
  std::chrono::seconds wait{0};
};

struct Promise;
using Handle = std::coroutine_handle<Promise>;

class Task {
 public:
  using promise_type = Promise;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&&) = delete;
  ~Task() {
    if (h_) h_.destroy();
  }
  Handle release() { return std::exchange(h_, {}); }

 private:
  Handle h_;
};

struct Promise {
  LunScanAction action;  // the action yielded last
  Handle stage;          // a stage yielded, to run before this one goes on
  Task get_return_object() { return Task{Handle::from_promise(*this)}; }
  std::suspend_always initial_suspend() noexcept { return {}; }
  std::suspend_always final_suspend() noexcept { return {}; }
  std::suspend_always yield_value(Step a) {
    action = {a.step, a.lun, {}, a.wait};
    return {};
  }
  std::suspend_always yield_value(const LunScanAction& a) {
    action = a;
    return {};
  }
  std::suspend_always yield_value(Task&& t) {
    stage = t.release();
    return {};
  }
  void return_void() {}
  void unhandled_exception() { std::terminate(); }
};

Step act(LunScanStep step, uint64_t lun = 0) { return {step, lun, {}}; }

bool contains(const std::vector<uint64_t>& luns, uint64_t lun) {
  return std::find(luns.begin(), luns.end(), lun) != luns.end();
}

std::string lun_name(uint64_t lun) { return "LUN " + std::to_string(lun); }

}  // namespace

struct LunScan::Steps {
  explicit Steps(LunScanSetup setup) : s(std::move(setup)) { stack.push_back(scan().release()); }
  ~Steps() {
    while (!stack.empty()) {
      stack.back().destroy();
      stack.pop_back();
    }
  }

  LunScanSetup s;
  TargetScanResult r;
  LunScanOutcome last;  // of the action yielded last
  std::vector<LunScanNote> notes;
  std::vector<Handle> stack;

  uint64_t via = 0;  // the LUN that carries REPORT LUNS
  LunScanPlan plan;
  std::optional<std::vector<uint64_t>> reported;
  int skipped_by_policy = 0;
  bool deleted = false;  // the last delete_unless_in_use deleted its LUN
  // What a cut leaves a successor (handover()): the scan again from this
  // run's start, the list from `resume_at`, or nothing.
  enum class AfterCut { kStartAgain, kResume, kNothing } after_cut = AfterCut::kStartAgain;
  std::size_t resume_at = 0;

  LunAddress address(uint64_t lun) const { return {s.target.lun(lun), s.identity}; }
  void log(std::string line) { notes.push_back({std::move(line), false, std::nullopt}); }
  void say(std::string line) { notes.push_back({std::move(line), true, std::nullopt}); }

  // Stages, in the order the kernel runs them.
  Task scan();
  Task reach_target();
  Task report_lun_scan();
  Task sequential_scan();
  Task remove_unreported();
  Task second_check(std::vector<uint64_t> confirmed);
  Task delete_unless_in_use(uint64_t lun, std::string why);
  Task lun0_after_scan();

  // What the outcome of the last action means.
  bool instantiated(uint64_t lun);
  std::optional<std::vector<uint64_t>> reported_luns(uint64_t through);
  std::optional<std::string> still_there();
  bool policy_allows(uint64_t lun);
  std::vector<InstantiateDecision> policy_verdicts(const std::vector<LunChoice>& choices);
  LunScanInput plan_input(const AnsweringLunFacts& f) const;
};

LunScan::LunScan(LunScanSetup setup) : steps_(std::make_unique<Steps>(std::move(setup))) {}
LunScan::~LunScan() = default;

LunScanAction LunScan::next() {
  auto& stack = steps_->stack;
  while (!stack.empty()) {
    Handle h = stack.back();
    h.resume();
    if (h.done()) {
      h.destroy();
      stack.pop_back();
      continue;
    }
    if (Handle stage = std::exchange(h.promise().stage, {})) {
      stack.push_back(stage);
      continue;
    }
    return h.promise().action;
  }
  return {};
}

void LunScan::feed(LunScanOutcome outcome) { steps_->last = std::move(outcome); }

std::vector<LunScanNote> LunScan::take_notes() { return std::exchange(steps_->notes, {}); }

const TargetScanResult& LunScan::result() const { return steps_->r; }

std::optional<LunScanHandover> LunScan::handover() const {
  const Steps& st = *steps_;
  switch (st.after_cut) {
    case Steps::AfterCut::kStartAgain:
      // A run that added no LUN counts towards the cuts in a row.
      return LunScanHandover{st.s.cursor, st.r.added > 0 ? 0 : st.s.cuts + 1};
    case Steps::AfterCut::kResume: return LunScanHandover{st.resume_at, 0};
    case Steps::AfterCut::kNothing: break;
  }
  return std::nullopt;
}

// __scsi_scan_target: reach the target, then scan its LUNs.
Task LunScan::Steps::scan() {
  co_yield reach_target();
  if (r.kernel_fallback || r.host_gone) co_return;
  // The plan follows the INQUIRY and quirks of the LUN the target answers through.
  co_yield act(LunScanStep::kReadAnsweringLun, via);
  plan = plan_lun_scan(plan_input(last.answering));
  r.reasons.push_back(plan.reason);
  if (plan.method == LunScanMethod::kReportLuns) {
    co_yield act(LunScanStep::kReportLuns, via);
    reported = reported_luns(via);
  }
  if (reported) {
    co_yield report_lun_scan();
  } else {
    if (via == kReportLunsWellKnownLun) {
      Task done_with_wlun = delete_unless_in_use(kReportLunsWellKnownLun, "the well-known LUN, after use");
      co_yield std::move(done_with_wlun);
    }
    if (plan.method != LunScanMethod::kLun0Only) co_yield sequential_scan();
    after_cut = AfterCut::kNothing;
  }
  if (!r.host_gone && via == 0 && !r.continue_at && !s.policy.empty()) co_yield lun0_after_scan();
  if (skipped_by_policy)
    r.reasons.push_back(std::to_string(skipped_by_policy) + " LUN(s) left out by the LUN policy");
}

// Which LUN carries REPORT LUNS (choose_target_access); when none does,
// the kernel's own scan of this target.
Task LunScan::Steps::reach_target() {
  co_yield act(LunScanStep::kListLuns);
  const std::vector<uint64_t> existing = last.luns;
  TargetAccessInput in;  // max_lun is not in sysfs: EINVAL on a write shows it
  in.existing = existing;
  TargetAccessDecision d = choose_target_access(in);
  if (d.instantiate) {
    co_yield act(LunScanStep::kScanLun, d.via);
    in.well_known_lun_tried = true;
    in.well_known_lun_present = instantiated(d.via);
    if (r.host_gone) co_return;
    d = choose_target_access(in);
  }
  if (d.access != TargetAccess::kKernelTargetScan) {
    via = d.via;
    co_return;
  }
  r.reasons.push_back(d.reason);
  r.kernel_fallback = true;
  // Killed or not, the run's write is the kernel's to finish.
  after_cut = AfterCut::kNothing;
  co_yield act(LunScanStep::kKernelScanTarget);
  if (last.rc) r.reasons.push_back(std::string("kernel target scan: ") + std::strerror(last.rc));
  r.added = static_cast<int>(last.luns.size());
}

// scsi_report_lun_scan: every listed LUN in list order, a budget per run.
Task LunScan::Steps::report_lun_scan() {
  co_yield act(LunScanStep::kListLuns);
  ReportedLunsInput rin;
  rin.reported = *reported;
  rin.existing = last.luns;
  // On a target's add event the host walk wrote "C T 0" already.
  rin.lun0_probed = s.trigger == ScanTrigger::kTargetAdded;
  const std::vector<LunChoice> choices = choose_reported_luns(rin);
  // Slices count scan writes: LUNs the policy leaves out cost none, so a
  // 16,384-LUN list with four wanted takes one run, not 64.
  const std::vector<InstantiateDecision> verdicts = policy_verdicts(choices);
  std::vector<bool> writes(choices.size());
  for (std::size_t i = s.cursor; i < choices.size(); ++i)
    writes[i] = choices[i].action == LunAction::kInstantiate && verdicts[i].instantiate;
  const Batch batch = plan_batch(writes, s.cursor, s.budget);
  for (std::size_t i = batch.begin; i < batch.end; ++i) {
    const uint64_t lun = choices[i].linux_lun;
    if (choices[i].action != LunAction::kInstantiate) continue;
    if (!verdicts[i].instantiate) {
      ++skipped_by_policy;
      log(lun_name(lun) + " not instantiated: " + verdicts[i].reason);
    } else {
      after_cut = AfterCut::kResume;
      resume_at = i + 1;
      co_yield act(LunScanStep::kScanLun, lun);
      if (instantiated(lun)) ++r.added;
      if (r.host_gone) co_return;
    }
    if (auto stop = stop_for_time(batch, i + 1, last.elapsed, s.budget)) {
      r.continue_at = stop;
      break;
    }
  }
  if (!r.continue_at) r.continue_at = batch.next;
  after_cut = r.continue_at ? AfterCut::kResume : AfterCut::kNothing;
  resume_at = r.continue_at.value_or(0);
  if (s.trigger == ScanTrigger::kRescan && !r.continue_at) co_yield remove_unreported();
  // The kernel's own scan never keeps the well-known LUN it went through
  // (nor adds one by itself: a scan run wrote "C T 49409", this one or the
  // host walk before it).
  if (via == kReportLunsWellKnownLun && delete_well_known_lun_after_use(*reported)) {
    Task done_with_wlun = delete_unless_in_use(kReportLunsWellKnownLun, "the well-known LUN, after use");
    co_yield std::move(done_with_wlun);
  }
}

// scsi_sequential_lun_scan. Only new LUNs count as added: on a rescan the
// walk passes the ones already there.
Task LunScan::Steps::sequential_scan() {
  co_yield act(LunScanStep::kListLuns);
  const std::vector<uint64_t> existing = last.luns;
  for (auto lun = first_sequential_lun(plan.sequential); lun;) {
    const bool present = contains(existing, *lun);
    bool added = false;
    if (!present && policy_allows(*lun)) {
      co_yield act(LunScanStep::kScanLun, *lun);
      added = instantiated(*lun);
      if (r.host_gone) co_return;
    }
    if (added) ++r.added;
    lun = next_sequential_lun(plan.sequential, *lun, present || added);
  }
}

// LUNs the target no longer lists (the kernel keeps them). The
// administrator's setting first: by default such a LUN is kept
// (scsi-probe.d(5)). Then two checks separated by a wait: a LUN unmapped by
// mistake and mapped again at once is not lost. Each check may cost a
// command timeout: the run's budget bounds them, and the next rescan picks
// up what is left (nothing is lost by keeping a LUN).
Task LunScan::Steps::remove_unreported() {
  co_yield act(LunScanStep::kListLuns);
  std::vector<uint64_t> wanted;
  for (uint64_t lun : removal_candidates(last.luns, *reported)) {
    UnreportedDecision u = decide_unreported(s.policy, address(lun));
    if (u.remove) {
      wanted.push_back(lun);
      continue;
    }
    r.reasons.push_back(lun_name(lun) + " no longer reported: kept, " + u.reason);
    say(lun_name(lun) + " no longer reported: kept, " + u.reason);
  }
  std::vector<uint64_t> confirmed;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (last.elapsed > s.budget.max_run_time) {
      r.reasons.push_back(std::to_string(wanted.size() - i) +
                          " unreported LUN(s) left for a later rescan: time budget spent");
      break;
    }
    co_yield act(LunScanStep::kInquiry, wanted[i]);
    if (auto kept = still_there())
      r.reasons.push_back(lun_name(wanted[i]) + " " + *kept);
    else
      confirmed.push_back(wanted[i]);
  }
  if (confirmed.empty()) co_return;
  if (last.elapsed + kUnreportedRecheckWait > s.budget.max_run_time) {
    r.reasons.push_back(std::to_string(confirmed.size()) +
                        " unreported LUN(s) left for a later rescan: no time left for the second check");
    co_return;
  }
  co_yield Step{LunScanStep::kWait, 0, kUnreportedRecheckWait};
  Task second = second_check(std::move(confirmed));
  co_yield std::move(second);
}

Task LunScan::Steps::second_check(std::vector<uint64_t> confirmed) {
  co_yield act(LunScanStep::kReportLuns, via);
  const auto again = reported_luns(via);
  if (!again) {
    r.reasons.push_back(std::to_string(confirmed.size()) + " unreported LUN(s) kept: second REPORT LUNS failed");
    co_return;
  }
  for (uint64_t lun : confirmed) {
    if (contains(*again, lun)) {
      r.reasons.push_back(lun_name(lun) + " kept: reported again");
      continue;
    }
    co_yield act(LunScanStep::kInquiry, lun);
    if (auto kept = still_there()) {
      r.reasons.push_back(lun_name(lun) + " " + *kept + " (second check)");
      continue;
    }
    Task removal = delete_unless_in_use(lun, "no longer reported, confirmed gone twice " +
                                                 std::to_string(kUnreportedRecheckWait.count()) + " s apart");
    co_yield std::move(removal);
    if (deleted) {
      ++r.removed;
      r.reasons.push_back(lun_name(lun) + " removed: confirmed gone twice");
    }
  }
}

Task LunScan::Steps::delete_unless_in_use(uint64_t lun, std::string why) {
  deleted = false;
  co_yield act(LunScanStep::kCheckUse, lun);
  if (!last.use) co_return;
  const std::string name = lun_name(lun);
  if (last.use->in_use) {
    r.reasons.push_back(name + " kept (" + why + "): " + last.use->reason);
    say(name + " not deleted (" + why + "): " + last.use->reason);
    notes.back().change = ChangeRecord{LogPriority::kNotice, format_scsi_address(s.target.lun(lun)), "keep",
                                       why + "; not deleted: " + last.use->reason};
    co_return;
  }
  const LunScanAction deletion{LunScanStep::kDelete, lun, why, {}};
  co_yield deletion;
  if (last.rc) {
    r.reasons.push_back(name + ": delete: " + std::strerror(last.rc));
    say(name + ": delete (" + why + "): " + std::strerror(last.rc));
    co_return;
  }
  say(name + " deleted: " + why);
  deleted = true;
}

// LUN 0 was instantiated to reach the target; a rule that skips it has it
// removed once the scan is done, if a scan run of scsi-probe created it
// (its add event has not run yet: the run's handoff file is there). One the
// kernel made, or that was there before, stays; so does a LUN 0 that a
// listing merely leaves out.
Task LunScan::Steps::lun0_after_scan() {
  co_yield act(LunScanStep::kCheckHandoff, 0);
  const LunZeroAfterScan z = decide_lun0_after_scan(s.policy, address(0), last.handoff);
  if (z.remove) {
    Task removal = delete_unless_in_use(0, z.reason);
    co_yield std::move(removal);
  } else if (!decide_instantiate(s.policy, address(0)).instantiate)
    r.reasons.push_back(z.reason);
}

bool LunScan::Steps::instantiated(uint64_t lun) {
  const int rc = last.rc;
  if (rc == ERANGE) {
    r.reasons.push_back(lun_name(lun) + " does not fit the scan attribute");
    return false;
  }
  if (rc != 0 && host_gone_error(rc)) {
    if (!r.host_gone)
      r.reasons.push_back("host gone at " + lun_name(lun) + " (scan: " + std::strerror(rc) + "): scan stopped");
    r.host_gone = true;
    return false;
  }
  if (rc != 0) {
    log("scan \"" + *scan_attribute_value(s.target.channel, s.target.id, lun) + "\": " + std::strerror(rc));
    if (rc == EINVAL) r.reasons.push_back(lun_name(lun) + " past the host's max_lun");
    return false;
  }
  if (last.exists) return true;
  if (!last.host_present) {
    r.reasons.push_back("host removed at " + lun_name(lun) + ": scan stopped");
    r.host_gone = true;
  }
  return false;
}

std::optional<std::vector<uint64_t>> LunScan::Steps::reported_luns(uint64_t through) {
  const LunCommandAnswer& a = last.answer;
  r.commands += a.commands;
  if (a.absent) {
    r.reasons.push_back("REPORT LUNS: " + format_scsi_address(s.target.lun(through)) + ": gone");
    return std::nullopt;
  }
  if (!a.unreachable.empty()) {
    r.reasons.push_back("REPORT LUNS: " + a.unreachable);
    return std::nullopt;
  }
  const std::string where = "REPORT LUNS via " + lun_name(through);
  if (!a.ok) {
    r.reasons.push_back(where + ": " + a.error);
    return std::nullopt;
  }
  auto list = parse_report_luns(a.data);
  if (!list) {
    r.reasons.push_back(where + ": answer too short");
    return std::nullopt;
  }
  std::vector<uint64_t> luns;
  for (const auto& l : list->luns) luns.push_back(linux_lun_from_scsilun(l));
  r.reasons.push_back(where + ": " + std::to_string(luns.size()) + " LUN(s)" +
                      (list->truncated ? " (list cut short)" : ""));
  return luns;
}

// The target no longer lists the LUN; the LUN itself must confirm on a
// fresh command. nullopt: confirmed gone; else why it is kept.
std::optional<std::string> LunScan::Steps::still_there() {
  const LunCommandAnswer& a = last.answer;
  r.commands += a.commands;
  if (a.absent) return std::string("already gone");
  if (!a.unreachable.empty()) return "kept: " + a.unreachable;
  RemovalDecision gone = confirm_removal({a.ok, a.data, a.sense, a.host_status, a.running});
  if (!gone.remove) return "kept: " + gone.reason;
  return std::nullopt;
}

// The administrator's LUN policy: a LUN it does not list is not
// instantiated at all (lun_policy.h).
bool LunScan::Steps::policy_allows(uint64_t lun) {
  if (s.policy.empty()) return true;
  InstantiateDecision d = decide_instantiate(s.policy, address(lun));
  if (!d.instantiate) {
    ++skipped_by_policy;
    log(lun_name(lun) + " not instantiated: " + d.reason);
  }
  return d.instantiate;
}

// The policy's word on every entry from the cursor on that would be
// written, decided once.
std::vector<InstantiateDecision> LunScan::Steps::policy_verdicts(const std::vector<LunChoice>& choices) {
  std::vector<InstantiateDecision> verdicts(choices.size());
  if (s.policy.empty()) return verdicts;
  for (std::size_t i = s.cursor; i < choices.size(); ++i)
    if (choices[i].action == LunAction::kInstantiate)
      verdicts[i] = decide_instantiate(s.policy, address(choices[i].linux_lun));
  return verdicts;
}

LunScanInput LunScan::Steps::plan_input(const AnsweringLunFacts& f) const {
  LunScanInput in;
  in.no_report_luns = s.no_report_luns;
  in.max_scsi_luns = s.max_scsi_luns;
  if (f.inquiry) {
    in.scsi_level = f.scsi_level;
    in.flags = f.flags;
  }
  return in;
}

namespace {

LunScanOutcome carry_out(const LunScanAction& a, const ScsiTarget& t, ScsiHost& host, LunScanIo& io) {
  LunScanOutcome o;
  switch (a.step) {
    case LunScanStep::kDone: break;
    case LunScanStep::kListLuns: o.luns = host.target_luns(t); break;
    case LunScanStep::kScanLun:
      o.rc = host.scan_lun(t.lun(a.lun));
      o.exists = o.rc == 0 && host.device_exists(t.lun(a.lun));
      o.host_present = o.rc != 0 || o.exists || host.present();
      break;
    case LunScanStep::kKernelScanTarget:
      o.rc = host.kernel_scan_target(t);
      o.luns = host.target_luns(t);
      break;
    case LunScanStep::kReadAnsweringLun: o.answering = io.answering_lun(a.lun); break;
    case LunScanStep::kReportLuns: o.answer = io.report_luns(a.lun); break;
    case LunScanStep::kInquiry: o.answer = io.inquiry(a.lun); break;
    case LunScanStep::kCheckUse: o.use = io.use(a.lun); break;
    case LunScanStep::kDelete: o.rc = host.delete_device(t.lun(a.lun), a.reason); break;
    case LunScanStep::kCheckHandoff: o.handoff = io.handoff_exists(a.lun); break;
    case LunScanStep::kWait: io.wait(a.wait); break;
  }
  o.elapsed = io.elapsed();
  return o;
}

}  // namespace

TargetScanResult run_lun_scan(const LunScanSetup& setup, ScsiHost& host, LunScanIo& io, bool verbose,
                              std::ostream& err, LunScanGuard* guard) {
  LunScan scan(setup);
  for (;;) {
    const LunScanAction a = scan.next();
    for (const LunScanNote& n : scan.take_notes()) {
      if (n.always || verbose)
        diag(err, "target", format_scsi_target(setup.target)) << n.line << "\n";
      if (n.change) io.record(*n.change);
    }
    if (a.step == LunScanStep::kDone) break;
    if (auto sent = guard ? guard->go_on(scan.handover()) : std::nullopt) {
      TargetScanResult r = scan.result();
      r.cut = true;
      r.continue_at = sent->cursor;
      return r;
    }
    scan.feed(carry_out(a, setup.target, host, io));
  }
  return scan.result();
}

}  // namespace scsi_probe
