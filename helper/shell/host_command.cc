// `scsi-probe host`: find the targets of one host. Every channel and target
// ID the host's `scan` attribute accepts (EINVAL marks the limits, which
// sysfs does not show) gets LUN 0 instantiated; the target's own event then
// scans its LUNs. A target without LUN 0 is reached through the REPORT LUNS
// well-known LUN, or, where the host refuses that LUN, by the kernel's scan
// of that one target (from then on the only probe of each ID where the
// policy restricts nothing on the host). On a change event the host is
// rescanned: new targets, and the LUNs of every known target.
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <ostream>
#include <thread>
#include <utility>
#include <vector>

#include "commands.h"
#include "deadline_watchdog.h"
#include "diagnostics.h"
#include "host_class.h"
#include "host_walk.h"
#include "policy_files.h"
#include "rescan_dry_run.h"
#include "rescan_lock.h"
#include "report_luns.h"
#include "scan_plan.h"
#include "scan_request.h"
#include "sysfs_host.h"
#include "sysfs_scan.h"
#include "system_log.h"
#include "text.h"
#include "walk_budget.h"

namespace scsi_probe {

namespace {

using Clock = std::chrono::steady_clock;

// Waits at most `most` for usb-storage's deferred scan work (GET MAX LUN)
// to be over, as the runtime PM reference on the host's parent, its USB
// interface, shows (usb_scan_work). True when it was seen over.
bool wait_for_usb_scan_work(udev_device* host, std::chrono::seconds most) {
  const auto until = Clock::now() + most;
  udev_device* interface = udev_device_get_parent(host);
  const std::string power = interface ? std::string(udev_device_get_syspath(interface)) + "/power/" : "";
  bool seen_pending = false;
  for (;;) {
    const UsbScanWork w = interface ? usb_scan_work(read_sysfs_text(power + "runtime_usage"),
                                                    read_sysfs_text(power + "runtime_status"), seen_pending)
                                    : UsbScanWork::kUnknown;
    if (w == UsbScanWork::kDone) return true;
    seen_pending = seen_pending || w == UsbScanWork::kPending;
    const auto now = Clock::now();
    if (now >= until) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(20), until - now));
  }
}

// A watchdog's fallback for a host run it cut (deadline_watchdog.h): the
// kernel's scan of the host ("- - -"), as the rules' fallback writes for a
// failed run, logged with `why`. 0 or errno.
int kernel_host_scan_at_cut(udev_device* shost, const std::string& name, const std::string& why) {
  const int rc = write_sysfs(shost, "scan", "- - -");
  log_change({rc ? LogPriority::kErr : LogPriority::kWarning, name, "scan \"- - -\" (the kernel's scan)",
              rc ? concat({why, "; scan: ", std::strerror(rc)}) : why});
  return rc;
}

// The kernel's scan of a usb-storage, uas or SRP host ("- - -"), once the
// driver is ready, and a second scan for LUNs it made reachable late.
// Returns what was done, for the summary line.
std::string kernel_host_scan(SysfsScsiHost& hs, udev_device* shost, const std::string& name,
                             const std::string& who, const HostStrategy& s, RescanLock& host_lock,
                             std::ostream& err) {
  // Killed before its write (a long wait for usb-storage's GET MAX LUN,
  // a machine starved of CPU), the run would leave the host unscanned:
  // past the cut its watchdog writes it, as the rules' fallback would.
  const auto timeout = udev_event_timeout_here();
  DeadlineWatchdog cut(run_cut_time(timeout));
  const std::string why = "host " + describe_cut(timeout) + " before its scan write";
  const bool cut_now = shost && !cut.arm([shost, &name, why] { return kernel_host_scan_at_cut(shost, name, why); });
  bool work_over = false;
  if (s.wait_seconds && !cut_now) {
    const auto waited_from = Clock::now();
    work_over = wait_for_usb_scan_work(hs.device(), std::chrono::seconds(s.wait_seconds));
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - waited_from);
    if (work_over)
      diag(err, "host", who) << "usb-storage's scan work was over after " << ms.count()
          << " ms (its interface's runtime PM reference dropped: GET MAX LUN has answered)\n";
    else
      diag(err, "host", who) << "waited " << ms.count()
          << " ms for the driver to be ready (usb-storage delay_use, GET MAX LUN; its scan work not seen)\n";
  }
  if (cut_now || !cut.disarm()) {
    diag(err, "host", who) << why << ": its watchdog wrote \"- - -\" to the scan attribute\n";
    return "kernel scan of the host, by the watchdog";
  }
  diag(err, "host", who) << "writing \"- - -\" to its scan attribute (the kernel's scan of the host)\n";
  host_lock.restart();
  int rc = hs.kernel_scan_host();
  std::size_t first = hs.created().size();
  // The check: a LUN the driver made reachable late (GET MAX LUN after
  // our wait, on a loaded machine) shows up in a second scan. The
  // devices already there cost the kernel no command. The LUNs' own
  // events wait for this run to end (udev orders a device's events
  // after its parent's), hence no check once it cannot find more.
  const bool check = rc == 0 && s.verify_after_seconds && !work_over && hs.present();
  const bool late = late_luns_possible(hs.created());
  if (check && !late)
    diag(err, "host", who) << "no second scan: a LUN above 0 answered, so GET MAX LUN had run\n";
  if (work_over && s.verify_after_seconds)
    diag(err, "host", who) << "no second scan: the scan came after GET MAX LUN\n";
  if (check && late) {
    std::this_thread::sleep_for(std::chrono::seconds(s.verify_after_seconds));
    rc = hs.kernel_scan_host();
    if (rc == 0 && hs.created().size() > first)
      diag(err, "host", who) << "the second scan found " << hs.created().size() - first
          << " more LUN(s): the driver was late\n";
  }
  if (rc) diag(err, "host", who) << "scan: " << std::strerror(rc) << "\n";
  if (!rc && hs.present()) host_lock.record();
  return rc ? std::string("kernel scan failed: ") + std::strerror(rc) : "kernel scan of the host";
}

// Hosts that are not walked (host_class.h): libata's, usb-storage's, uas's,
// SRP's and the scan_start() drivers with a `rescan` attribute. Prints the
// run's properties and summary line.
int run_host_class(SysfsScsiHost& hs, udev_device* shost, const std::string& name,
                   const std::string& proc_name, HostClass cls, const HostStrategy& s, const std::string& reason,
                   RescanLock& host_lock, std::ostream& out, std::ostream& err) {
  const auto start = Clock::now();
  CreatedDevices created(hs, start);
  drop_target_handoffs(hs.number());
  std::string who = name;
  who += " (" + proc_name + ", ";
  who += host_class_name(cls);
  who += ")";
  std::string done;
  switch (s.action) {
    case HostAction::kNoScanWrites:
      done = "no scan write";
      break;
    case HostAction::kDriverRescan: {
      diag(err, "host", who) << "writing 1 to its rescan attribute (the driver's scan_start)\n";
      host_lock.restart();
      int rc = shost ? write_sysfs(shost, "rescan", "1") : ENODEV;
      if (rc) diag(err, "host", who) << "rescan: " << std::strerror(rc) << "\n";
      if (!rc) host_lock.record();
      done = rc ? "driver rescan failed" : "driver rescan";
      break;
    }
    case HostAction::kKernelHostScan:
      done = kernel_host_scan(hs, shost, name, who, s, host_lock, err);
      break;
    case HostAction::kWalk:
    case HostAction::kTransportPorts:
      break;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  const std::string why = reason.empty() ? s.reason : concat({reason, "; ", s.reason});
  out << "SCSI_PROBE_TARGETS_FOUND=" << hs.targets().size() << "\n"
      << "SCSI_PROBE_REASON=" << why << "\n";
  diag(err, "host", who) << done << ", " << hs.created().size() << " LUN(s) created, "
      << hs.scan_writes() << " scan write(s), " << ms.count() << " ms; " << why << "\n";
  hand_off_kernel_scanned_targets(hs, err);
  created.finish(err);
  return kExitOk;
}

// Where a walk cut by its time budget goes on: the channel and target ID its
// synthetic change event carries.
std::optional<ScsiTarget> walk_cursor(unsigned host) {
  const char* c = synthetic_argument(kSynthChannel);
  const char* t = synthetic_argument(kSynthId);
  if (!c || !t) return std::nullopt;
  auto a = parse_scsi_address(std::string("0:") + c + ":" + t + ":0");
  if (!a) return std::nullopt;
  return ScsiTarget{host, a->channel, a->target};
}

// The arguments of the walk's continuation event on the host: the walk's
// action and where it goes on.
std::vector<std::pair<std::string, std::string>> walk_continuation(const std::string& action, const ScsiTarget& at) {
  return {{kSynthAction, action}, {kSynthChannel, std::to_string(at.channel)}, {kSynthId, std::to_string(at.id)}};
}

// A parallel host's walk under its watchdog (deadline_watchdog.h), from the
// run's start: should the run be cut (a write that hangs in the kernel's
// error handling, a machine that starves it of CPU) before it hands the
// rest on itself, the watchdog sends the continuation the walk last armed it
// with (HostWalk::handover) and logs it.
class WalkWatchdog {
 public:
  WalkWatchdog(udev_device* host, std::string name, std::string action, const WalkHandover& first)
      : host_(host), name_(std::move(name)), action_(std::move(action)), timeout_(udev_event_timeout_here()),
        watchdog_(run_cut_time(timeout_)) {
    go_on(first);
  }
  std::optional<HostWalkShell::HandOff> go_on(const std::optional<WalkHandover>& h) {
    const bool on = h ? watchdog_.arm([this, h = *h] { return hand_on(h); }) : watchdog_.disarm();
    if (on) return std::nullopt;
    return HostWalkShell::HandOff{sent_.resume_at, watchdog_.result()};
  }

 private:
  // On the watchdog's thread, or in arm() past the deadline.
  int hand_on(const WalkHandover& h) {
    sent_ = h;
    std::string note;
    const std::string goes_on = "the walk goes on from " + format_walk_cursor(h.resume_at);
    return send_cut_continuation(host_, walk_continuation(action_, h.resume_at), h.cuts,
                                 {name_, timeout_, goes_on, "a write"}, note);
  }

  udev_device* host_;
  const std::string name_, action_;
  const std::optional<std::chrono::seconds> timeout_;
  WalkHandover sent_;  // written by hand_on, read after arm() or disarm()
  // Last: its thread, which uses the members above, ends first.
  DeadlineWatchdog watchdog_;
};

// The walk's surroundings on a machine: the steady clock from the process's
// start, change events through sysfs, and the run's watchdog (parallel
// hosts only: a transport host's rescan has no cursor to go on from).
class SysfsWalkShell : public HostWalkShell {
 public:
  SysfsWalkShell(udev* u, udev_device* host, const std::string& action, WalkWatchdog* watchdog)
      : u_(u), host_(host), action_(action), start_(process_started()), watchdog_(watchdog) {}
  std::chrono::milliseconds elapsed() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
  }
  int send_target_change(const ScsiTarget& t) override {
    UdevDevicePtr target = scsi_target_at(u_, t);
    return target ? send_synthetic_change(target.get(), {}) : ENODEV;
  }
  int send_continuation(const ScsiTarget& at) override {
    return send_synthetic_change(host_, walk_continuation(action_, at));
  }
  std::optional<HandOff> go_on(const std::optional<WalkHandover>& h) override {
    return watchdog_ ? watchdog_->go_on(h) : std::nullopt;
  }
  // Each known target's rescan lock is held over the kernel's scan, and
  // the scan recorded in it once complete, as a target run records its own.
  // A lock another run holds is not waited for: that target's own runs
  // then rescan it (one rescan too many, never one missed).
  void kernel_rescan_starts(const std::set<ScsiTarget>& known) override {
    for (const ScsiTarget& t : known) {
      auto lock = std::make_unique<RescanLock>(target_lock_path(t), std::chrono::milliseconds(0));
      if (!lock->locked()) continue;
      lock->gate();  // reads the sequence number the record gives
      locks_.push_back(std::move(lock));
    }
  }
  void kernel_rescan_ends(bool complete) override {
    if (complete)
      for (auto& lock : locks_) lock->record();
    locks_.clear();
  }

 private:
  udev* u_;
  udev_device* host_;
  const std::string action_;
  Clock::time_point start_;
  WalkWatchdog* watchdog_;
  std::vector<std::unique_ptr<RescanLock>> locks_;
};

// What the walk is given: the adapter's ID, the known targets, a
// continuation's cursor, the budget, a transport's remote ports. `policy`:
// the LUN policy of a parallel host's walk (walk_needs_policy). `requested`:
// the one target the kernel asked a scan of (requested_target_walk).
HostWalkSetup walk_setup(udev* u, SysfsScsiHost& hs, udev_device* host, udev_device* shost,
                         const std::string& transport, const HostStrategy& strategy, ScanTrigger trigger,
                         std::chrono::seconds budget, const Policy& policy, std::string& kernel_rescan_reason,
                         const std::optional<ScsiTarget>& requested = std::nullopt) {
  if (requested) return requested_target_walk(*requested, hs.targets(), budget);
  HostWalkSetup s;
  s.host = hs.number();
  long long this_id = shost ? read_int_attribute(shost, "this_id").value_or(-1) : -1;
  if (this_id >= 0) s.this_id = static_cast<unsigned>(this_id);
  s.rescan = trigger == ScanTrigger::kRescan;
  for (const ScsiTarget& t : hs.targets()) s.known.insert(t);
  s.budget = budget;
  if (strategy.action == HostAction::kTransportPorts) {
    // The transport's own events name the targets. A rescan also probes the
    // ports that have a target but no LUNs yet: FC ports whose roles came
    // after their add event, or that came back from Blocked, raise no event.
    s.port_targets.emplace();
    if (s.rescan)
      for (const auto& port : host_remote_ports(u, host)) {
        PortTarget pt = decide_port_target(read_remote_port(port.get()));
        if (pt.probe) s.port_targets->push_back({hs.number(), pt.channel, pt.id});
      }
  } else {
    s.resume_at = walk_cursor(hs.number());
    s.cuts = cuts_from_event();
    KernelRescanFacts k{hs.number(), transport, s.rescan, s.resume_at.has_value(), false};
    for (const ScsiTarget& t : s.known) {
      const std::vector<uint64_t> luns = hs.target_luns(t);
      if (luns.empty() || luns.front() != 0) k.target_without_lun0 = true;
    }
    KernelRescanChoice c = choose_kernel_rescan(policy, k);
    s.kernel_rescan = c.yes;
    s.host_scan_after_refusal = !rule_restricting_host(policy, hs.number(), transport);
    if (s.rescan) kernel_rescan_reason = c.reason;
  }
  return s;
}

// Only the walk of a parallel host reads the LUN policy: whether the
// kernel's scan of the host (a rescan) or of each target may stand in for
// the helper's own probes.
bool walk_needs_policy(const HostStrategy& strategy) { return strategy.action == HostAction::kWalk; }

// Prints the walk's properties and summary line.
void report_walk(const HostWalkResult& w, const SysfsScsiHost& hs, const std::string& name,
                 const std::string& proc_name, const std::string& reason,
                 const std::optional<ScsiTarget>& continued_from, std::chrono::milliseconds ms,
                 std::ostream& out, std::ostream& err) {
  const std::string notes = join(w.notes);
  if (w.continue_at) out << kContinueProperty << "=" << format_walk_cursor(*w.continue_at) << "\n";
  out << "SCSI_PROBE_TARGETS_FOUND=" << w.targets_found << "\n"
      << "SCSI_PROBE_KERNEL_SCANS=" << w.kernel_scans << "\n"
      << "SCSI_PROBE_REASON=" << reason << (notes.empty() ? "" : "; " + notes) << "\n";
  diag(err, "host", name + " (" + (proc_name.empty() ? "?" : proc_name) + ")");
  if (w.kernel_host_scan)
    err << w.targets_found << " new target(s), " << w.rescanned
        << " known target(s) rescanned by the kernel's scan of the host, ";
  else
    err << w.targets_found << " new target(s) (" << w.wlun_targets << " through the well-known LUN), "
        << w.kernel_scans << " kernel target scan(s), " << w.rescanned
        << " known target(s) left to their change events, ";
  err << hs.scan_writes() << " scan write(s), "
      << ms.count() << " ms" << (w.continue_at ? ", continuing in a later run" : "")
      << (continued_from ? ", continued from " + format_walk_cursor(*continued_from) : std::string())
      << (notes.empty() ? "" : "; " + notes) << "\n";
}

// The walk of a parallel host, or the rescan of a transport host's ports.
// The run's record in the host's lock (host_lock_path): a complete walk of
// the whole host answers the kernel's requests raised before it started.
int run_walk(udev* u, SysfsScsiHost& hs, udev_device* host, udev_device* shost, const std::string& name,
             const std::string& proc_name, const std::string& transport, const HostStrategy& strategy,
             const std::string& action, ScanTrigger trigger, const std::string& reason, const HostRunPlan& plan,
             RescanLock& host_lock, std::ostream& out, std::ostream& err) {
  const auto start = Clock::now();
  const auto budget = walk_budget(udev_event_timeout_here());
  std::string rescan_reason;
  const bool one_target = plan.scope == HostRunScope::kTarget;
  // From here on a parallel host's walk that udevd kills leaves a successor
  // behind, unless the runs before it were cut too often: then the walk is
  // the kernel's scan of the host (HostWalkSetup::cuts).
  const unsigned cuts = cuts_from_event();
  std::optional<WalkWatchdog> watchdog;
  if (strategy.action == HostAction::kWalk && !one_target) {
    if (cuts >= kMaxCutsInARow)
      log_change({LogPriority::kWarning, name, "fallback", cut_fallback_reason(cuts)});
    else
      watchdog.emplace(host, name, action, first_handover(hs.number(), walk_cursor(hs.number()), cuts));
  }
  const bool policy_loaded = walk_needs_policy(strategy) && !one_target;
  const Policy policy = policy_loaded ? load_policy(err) : Policy{};
  HostWalk walk(walk_setup(u, hs, host, shost, transport, strategy, trigger, budget, policy, rescan_reason,
                           one_target ? std::optional<ScsiTarget>(plan.target) : std::nullopt));
  const bool ports = walk.setup().port_targets.has_value();
  // A transport host's rescan has no cursor to hand on (its ports' own
  // events find their targets): cut, it leaves the host to the kernel's
  // scan, as the rules' fallback would, and goes on.
  std::optional<DeadlineWatchdog> port_cut;
  const std::string port_why = concat({"host ", describe_cut(udev_event_timeout_here()), " during its rescan"});
  if (ports && !one_target && walk.setup().rescan && shost) {
    port_cut.emplace(run_cut_time(udev_event_timeout_here()));
    port_cut->arm([shost, &name, &port_why] { return kernel_host_scan_at_cut(shost, name, port_why); });
  }
  HostWalkResult w;
  CreatedDevices created(hs, start, policy_loaded ? std::optional<Policy>(policy) : std::nullopt);
  drop_target_handoffs(hs.number());
  host_lock.restart();
  {
    SysfsWalkShell shell(u, host, action, watchdog ? &*watchdog : nullptr);
    w = walk_host(hs, walk, shell);
  }
  if (port_cut && !port_cut->disarm()) w.notes.push_back(port_why + ": its watchdog wrote \"- - -\"");
  if (!one_target && walk_complete(walk.setup(), w)) host_lock.record();
  if (ports && !one_target)
    w.notes.insert(w.notes.begin(), transport + " transport: targets come from its remote-port events");
  if (!rescan_reason.empty()) w.notes.insert(w.notes.begin(), rescan_reason);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  report_walk(w, hs, name, proc_name, reason, walk.setup().resume_at, ms, out, err);
  hand_off_kernel_scanned_targets(hs, err);
  created.finish(err);
  return kExitOk;
}

}  // namespace

void dry_run_host(udev* u, udev_device* host, const Policy& policy, DryRunRecord& record) {
  SysfsScsiHost hs(u, host);
  const std::string name = host_sysname(hs.number());
  const Decision d = helper_scans(read_scan_mode(), ScanTrigger::kRescan);
  if (!d.yes) {
    record.scanned.push_back({name, d.reason});
    return;
  }
  const HostFacts facts = read_host_facts(hs);
  const HostClass cls = classify_host(facts);
  const HostStrategy strategy = host_strategy(cls, facts.transport, ScanTrigger::kRescan,
                                              cls == HostClass::kUsbBot ? usb_storage_delay_use() : 0);
  const std::string only = ": what it finds only the write shows";
  switch (strategy.action) {
    case HostAction::kNoScanWrites:
      break;
    case HostAction::kDriverRescan:
      record.unknown.push_back({name, "the driver's rescan (1 to its rescan attribute)" + only});
      break;
    case HostAction::kKernelHostScan:
      record.unknown.push_back({name, "the kernel's scan of the host (\"- - -\")" + only});
      break;
    case HostAction::kWalk:
    case HostAction::kTransportPorts: {
      UdevDevicePtr shost(udev_device_new_from_subsystem_sysname(u, "scsi_host", name.c_str()));
      const auto budget = walk_budget(udev_event_timeout_here());
      std::string rescan_reason;
      HostWalk walk(walk_setup(u, hs, host, shost.get(), facts.transport, strategy, ScanTrigger::kRescan, budget,
                               policy, rescan_reason));
      RecordingScsiHost dry(hs, record);
      RecordingWalkShell shell;
      const HostWalkResult w = walk_host(dry, walk, shell);
      record.unknown.push_back(
          {name, describe_new_target_probes(dry.probed_targets(), w.kernel_host_scan,
                                            walk.setup().port_targets.has_value())});
      record.scanned.push_back({name, rescan_reason.empty() ? strategy.reason : rescan_reason});
      // The kernel's scan of the host rescans every known target itself,
      // as the target's own rescan would where the policy restricts nothing
      // (choose_kernel_rescan).
      const std::vector<ScsiTarget> targets =
          w.kernel_host_scan ? std::vector<ScsiTarget>(walk.setup().known.begin(), walk.setup().known.end())
                             : shell.targets_to_rescan();
      for (const ScsiTarget& t : targets) dry_run_target(u, hs, dry, t, policy, record);
      return;
    }
  }
  record.scanned.push_back({name, strategy.reason});
}

int run_host(const Invocation& inv, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  Result<UdevDevicePtr> found = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kHost);
  if (!found) {
    diag(err, "host") << found.error().message << "\n";
    return kExitNoDevice;
  }
  UdevDevicePtr host = std::move(*found);
  SysfsScsiHost hs(u.get(), host.get());
  const std::string name = host_sysname(hs.number());
  UdevDevicePtr shost(udev_device_new_from_subsystem_sysname(u.get(), "scsi_host", name.c_str()));
  std::string proc_name = hs.proc_name();

  // A continuation carries the action of the run it continues.
  std::string action = inv.action;
  if (const char* a = synthetic_argument(kSynthAction)) action = a;
  const ScanMode mode = read_scan_mode();
  const ScanTrigger trigger = scan_trigger(action);
  Decision d = helper_scans(mode, trigger);
  out << "SCSI_PROBE_HOST=" << name << "\n";
  if (!d.yes) {
    out << "SCSI_PROBE_REASON=" << d.reason << "\n";
    if (inv.verbose) diag(err, "host", name) << d.reason << "\n";
    return kExitOk;
  }
  // Set by the bus's add event already, unless that came before this
  // package (drivers_autoprobe.h).
  apply_drivers_autoprobe(mode, "host", name, err);
  // What kind of host this is decides how it is scanned, if at all.
  const HostFacts facts = read_host_facts(hs);
  const HostClass cls = classify_host(facts);
  const HostStrategy strategy =
      host_strategy(cls, facts.transport, trigger, cls == HostClass::kUsbBot ? usb_storage_delay_use() : 0,
                    mode == ScanMode::kManual && kernel_reports_scans());
  out << "SCSI_PROBE_HOST_CLASS=" << host_class_name(cls) << "\n";
  const bool walked = strategy.action == HostAction::kWalk || strategy.action == HostAction::kTransportPorts;
  // A patched scsi_mod asks for the scans manual suppressed (scan_request.h);
  // the host's lock holds its last complete walk.
  RescanLock host_lock(host_lock_path(hs.number()));
  const char* request = std::getenv(kScanRequestProperty);
  const HostRunPlan plan = plan_host_run({.host = hs.number(),
                                          .host_class = cls,
                                          .walked = walked,
                                          .mode = mode,
                                          .request = request ? std::optional<std::string>(request) : std::nullopt,
                                          .seqnum = event_seqnum(),
                                          .last_walk = host_lock.last()});
  if (!plan.ignored.empty()) diag(err, "host", name) << plan.ignored << "\n";
  if (plan.scope != HostRunScope::kAsBefore)  // a request that parsed
    note_kernel_reports_scans(concat({name, ": ", kScanRequestProperty, "=", request}));
  if (plan.scope == HostRunScope::kAnswered) {
    out << "SCSI_PROBE_REASON=" << plan.reason << "\n";
    diag(err, "host", name) << plan.reason << "\n";
    return kExitOk;
  }
  if (mode == ScanMode::kManual && plan.scope == HostRunScope::kAsBefore)
    for (const ManualLoss& loss : manual_losses(cls, proc_name, kernel_reports_scans()))
      diag(err, "host", name) << "under scsi_mod.scan=manual " << loss.what << "\n";
  if (!walked) return run_host_class(hs, shost.get(), name, proc_name, cls, strategy, plan.reason, host_lock,
                                     out, err);
  return run_walk(u.get(), hs, host.get(), shost.get(), name, proc_name, facts.transport, strategy, action,
                  trigger, plan.reason.empty() ? d.reason : plan.reason, plan, host_lock, out, err);
}

}  // namespace scsi_probe
