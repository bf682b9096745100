// `scsi-probe host`: find the targets of one host. Every channel and target
// ID the host's `scan` attribute accepts (EINVAL marks the limits, which
// sysfs does not show) gets LUN 0 instantiated; the target's own event then
// scans its LUNs. A target without LUN 0 is reached through the REPORT LUNS
// well-known LUN, or, where the host refuses that LUN, by the kernel's scan
// of that one target. On a change event the host is rescanned: new targets,
// and the LUNs of every known target.
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <set>
#include <thread>

#include "commands.h"
#include "host_class.h"
#include "report_luns.h"
#include "sysfs_host.h"
#include "system_log.h"
#include "target_scan.h"
#include "walk_budget.h"

namespace scsi_probe {

namespace {

using Clock = std::chrono::steady_clock;

// Hosts that are not walked (host_class.h): libata's, usb-storage's, uas's,
// SRP's and the scan_start() drivers with a `rescan` attribute. Prints the
// run's properties and summary line.
int run_host_class(udev* u, SysfsScsiHost& hs, udev_device* shost, const std::string& name,
                   const std::string& proc_name, HostClass cls, const HostStrategy& s,
                   std::ostream& out, std::ostream& err) {
  const auto start = Clock::now();
  const std::string who = "scsi-probe host " + name + " (" + proc_name + ", " +
                          std::string(host_class_name(cls)) + ")";
  std::string done;
  switch (s.action) {
    case HostAction::kNoScanWrites:
      done = "no scan write";
      break;
    case HostAction::kDriverRescan: {
      err << who << ": writing 1 to its rescan attribute (the driver's scan_start)\n";
      int rc = shost ? write_sysfs(shost, "rescan", "1") : ENODEV;
      if (rc) err << who << ": rescan: " << std::strerror(rc) << "\n";
      done = rc ? "driver rescan failed" : "driver rescan";
      break;
    }
    case HostAction::kKernelHostScan: {
      if (s.wait_seconds) {
        err << who << ": waiting " << s.wait_seconds
            << " s for the driver to be ready (usb-storage delay_use, GET MAX LUN)\n";
        std::this_thread::sleep_for(std::chrono::seconds(s.wait_seconds));
      }
      err << who << ": writing \"- - -\" to its scan attribute (the kernel's scan of the host)\n";
      int rc = hs.kernel_scan_host();
      std::size_t first = hs.created().size();
      if (rc == 0 && s.verify_after_seconds && hs.present()) {
        // The check: a LUN the driver made reachable late (GET MAX LUN after
        // our wait, on a loaded machine) shows up in a second scan. The
        // devices already there cost the kernel no command.
        std::this_thread::sleep_for(std::chrono::seconds(s.verify_after_seconds));
        rc = hs.kernel_scan_host();
        if (rc == 0 && hs.created().size() > first)
          err << who << ": the second scan found " << hs.created().size() - first
              << " more LUN(s): the driver was late\n";
      }
      if (rc) err << who << ": scan: " << std::strerror(rc) << "\n";
      done = rc ? std::string("kernel scan failed: ") + std::strerror(rc) : "kernel scan of the host";
      break;
    }
    case HostAction::kWalk:
    case HostAction::kTransportPorts:
      break;
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  out << "SCSI_PROBE_TARGETS_FOUND=" << hs.targets().size() << "\n"
      << "SCSI_PROBE_REASON=" << s.reason << "\n";
  err << who << ": " << done << ", " << hs.created().size() << " LUN(s) created, "
      << hs.scan_writes() << " scan write(s), " << ms.count() << " ms; " << s.reason << "\n";
  identify_created(u, hs.created(), start, err);
  return kExitOk;
}

// Where a walk cut by its time budget goes on: the channel and target ID its
// synthetic change event carries.
std::optional<std::pair<unsigned, unsigned>> walk_cursor() {
  const char* c = synthetic_argument(kSynthChannel);
  const char* t = synthetic_argument(kSynthId);
  if (!c || !t) return std::nullopt;
  auto a = parse_scsi_address(std::string("0:") + c + ":" + t + ":0");
  if (!a) return std::nullopt;
  return std::make_pair(a->channel, a->target);
}

struct WalkResult {
  int targets_found = 0;
  int wlun_targets = 0;
  int kernel_scans = 0;
  int rescanned = 0;
  std::optional<std::pair<unsigned, unsigned>> continue_at;
  std::vector<std::string> notes;

  void count(const TargetProbeResult& p) {
    if (!p.note.empty()) notes.push_back(p.note);
    if (p.how == TargetProbe::kKernelScan) ++kernel_scans;
    if (p.how == TargetProbe::kWellKnownLun) ++wlun_targets;
    if (p.found) ++targets_found;
  }
};

// Hands the rest of a walk to a continuation event when one scan write
// outlasts the walk's budget: a write stuck in the kernel's error handling
// cannot be interrupted, and udevd kills the whole event at its timeout,
// after which this run could send nothing. The run itself then stops after
// that write.
class WriteWatchdog {
 public:
  WriteWatchdog(udev_device* host, std::string action, Clock::time_point deadline)
      : host_(host), action_(std::move(action)), deadline_(deadline), thread_([this] { watch(); }) {}
  ~WriteWatchdog() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  // A write starts: where the walk goes on should it hang.
  void arm(std::pair<unsigned, unsigned> resume_at) {
    {
      std::lock_guard lock(mutex_);
      armed_ = resume_at;
    }
    wake_.notify_all();
  }
  void disarm() {
    std::lock_guard lock(mutex_);
    armed_.reset();
  }
  // The continuation it sent (the walk must stop), and its result.
  std::optional<std::pair<unsigned, unsigned>> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  int send_error() {
    std::lock_guard lock(mutex_);
    return send_error_;
  }

 private:
  void watch() {
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, deadline_, [this] { return done_; });
    // Past the deadline the walk arms no more writes, but one may have been
    // armed just as it passed.
    wake_.wait(lock, [this] { return done_ || armed_; });
    if (done_) return;
    sent_ = armed_;
    send_error_ = send_synthetic_change(host_, {{kSynthAction, action_},
                                                {kSynthChannel, std::to_string(sent_->first)},
                                                {kSynthId, std::to_string(sent_->second)}});
  }

  udev_device* host_;
  const std::string action_;
  const Clock::time_point deadline_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::optional<std::pair<unsigned, unsigned>> armed_, sent_;
  int send_error_ = 0;
  std::thread thread_;
};
constexpr const char* kDriversAutoprobe = "/sys/bus/scsi/drivers_autoprobe";
// Drivers without a transport class have max_id in the hundreds; a host
// that accepts more IDs than this is walked no further.
constexpr unsigned kMaxIdsPerChannel = 65536;

}  // namespace

int run_host(const Invocation& inv, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  std::string error;
  UdevDevicePtr host = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kHost, error);
  if (!host) {
    err << "scsi-probe host: " << error << "\n";
    return kExitNoDevice;
  }
  SysfsScsiHost hs(u.get(), host.get());
  std::string name = "host" + std::to_string(hs.number());
  UdevDevicePtr shost(udev_device_new_from_subsystem_sysname(u.get(), "scsi_host", name.c_str()));
  std::string proc_name = hs.proc_name();

  // A continuation carries the action of the run it continues.
  std::string action = inv.action;
  if (const char* a = synthetic_argument(kSynthAction)) action = a;
  ScanMode mode = parse_scan_mode(read_module_parameter("scsi_mod", "scan").value_or("async"));
  ScanTrigger trigger = action == "add" ? ScanTrigger::kTargetAdded : ScanTrigger::kRescan;
  Decision d = helper_scans(mode, trigger);
  out << "SCSI_PROBE_HOST=" << name << "\n";
  if (!d.yes) {
    out << "SCSI_PROBE_REASON=" << d.reason << "\n";
    if (inv.verbose) err << "scsi-probe host " << name << ": " << d.reason << "\n";
    return kExitOk;
  }
  // Under manual scanning the helper also owns attachment: the kernel binds
  // no upper-level driver by itself, `scsi-probe device` does (scsi-probe(8)).
  // Under sync and async the kernel binds again, as it does by default.
  if (mode != ScanMode::kNone) {
    const char* want = mode == ScanMode::kManual ? "0" : "1";
    auto now = read_sysfs_text(kDriversAutoprobe);
    if (now && *now != want) {
      if (int rc = write_sysfs(nullptr, kDriversAutoprobe, want))
        err << "scsi-probe host " << name << ": " << kDriversAutoprobe << ": " << std::strerror(rc)
            << "\n";
      else
        log_change({LogPriority::kNotice, kDriversAutoprobe, std::string("set to ") + want,
                    mode == ScanMode::kManual ? "scan=manual: scsi-probe binds upper-level drivers"
                                              : "the kernel scans: it binds upper-level drivers again"});
    }
  }
  // What kind of host this is decides how it is scanned, if at all.
  const HostFacts facts = read_host_facts(hs);
  const HostClass cls = classify_host(facts);
  const HostStrategy strategy = host_strategy(
      cls, facts.transport, trigger, cls == HostClass::kUsbBot ? usb_storage_delay_use() : 0);
  out << "SCSI_PROBE_HOST_CLASS=" << host_class_name(cls) << "\n";
  if (mode == ScanMode::kManual)
    for (const ManualLoss& loss : manual_losses(cls, proc_name))
      err << "scsi-probe host " << name << ": under scsi_mod.scan=manual " << loss.what << "\n";
  if (strategy.action != HostAction::kWalk && strategy.action != HostAction::kTransportPorts)
    return run_host_class(u.get(), hs, shost.get(), name, proc_name, cls, strategy, out, err);

  const auto start = Clock::now();
  const auto event_timeout =
      udev_event_timeout(read_sysfs_text("/proc/cmdline").value_or(""));
  const auto walk_budget_s = walk_budget(event_timeout);
  WalkResult w;
  std::string transport = facts.transport;
  bool transport_names_targets = strategy.action == HostAction::kTransportPorts;
  std::set<std::pair<unsigned, unsigned>> known;
  for (const ScsiTarget& t : hs.targets()) known.insert({t.channel, t.id});

  bool host_gone = false;  // a scan write found the host removed: stop
  // A known target is rescanned by its own change event: `udevadm trigger`
  // raises one anyway (coalesced with this one: rescan_gate.h), and a
  // trigger of the host alone gets one here. Targets are then rescanned in
  // parallel, each under its own lock and time bound.
  auto rescan_target = [&](unsigned c, unsigned t) {
    const ScsiTarget ref{hs.number(), c, t};
    UdevDevicePtr target(
        udev_device_new_from_subsystem_sysname(u.get(), "scsi", ("target" + format_scsi_target(ref)).c_str()));
    int rc = target ? send_synthetic_change(target.get(), {}) : ENODEV;
    if (rc)
      w.notes.push_back("target " + format_scsi_target(ref) + ": no change event: " + std::strerror(rc));
    else
      ++w.rescanned;
  };

  if (transport_names_targets) {
    // The transport's own events name the targets. A rescan also probes the
    // ports that have a target but no LUNs yet: FC ports whose roles came
    // after their add event, or that came back from Blocked, raise no event.
    w.notes.push_back(transport + " transport: targets come from its remote-port events");
    if (trigger == ScanTrigger::kRescan) {
      bool wlun_refused = false;
      for (const auto& port : host_remote_ports(u.get(), host.get())) {
        PortTarget pt = decide_port_target(read_remote_port(port.get()));
        if (pt.probe && !known.count({pt.channel, pt.id}))
          w.count(probe_target(hs, {hs.number(), pt.channel, pt.id}, wlun_refused));
      }
      for (auto [c, t] : known) {
        rescan_target(c, t);
        if (host_gone) break;
      }
    }
  } else {
    long long this_id = shost ? read_int_attribute(shost.get(), "this_id").value_or(-1) : -1;
    auto from = walk_cursor().value_or(std::make_pair(0u, 0u));
    bool wlun_refused = false;
    WriteWatchdog watchdog(host.get(), action, start + walk_budget_s);
    bool handed_on = false;  // the watchdog sent the continuation
    for (unsigned c = from.first;; ++c) {
      bool channel_exists = false;
      for (unsigned t = c == from.first ? from.second : 0;; ++t) {
        if (static_cast<long long>(t) == this_id) continue;
        if (t >= kMaxIdsPerChannel) {
          w.notes.push_back("stopped at ID " + std::to_string(t) + " of channel " + std::to_string(c));
          break;
        }
        if (Clock::now() - start > walk_budget_s) {
          w.continue_at = std::make_pair(c, t);
          break;
        }
        if (known.count({c, t})) {
          channel_exists = true;
          if (trigger == ScanTrigger::kRescan) rescan_target(c, t);
          if (host_gone) break;
          continue;
        }
        // Should the write hang, the continuation probes this ID again once
        // the write is over (it waits for the host's scan lock), unless it
        // is the continuation of such a hang already: then the next ID.
        watchdog.arm(from == std::make_pair(c, t) && walk_cursor() ? std::make_pair(c, t + 1)
                                                                   : std::make_pair(c, t));
        TargetProbeResult p = probe_target(hs, {hs.number(), c, t}, wlun_refused);
        watchdog.disarm();
        if (auto sent = watchdog.sent()) {
          w.count(p);
          w.notes.push_back("a scan write at " + std::to_string(c) + ":" + std::to_string(t) +
                            " outlasted the walk's budget: the rest handed on from " +
                            std::to_string(sent->first) + ":" + std::to_string(sent->second) +
                            (watchdog.send_error() ? std::string(" FAILED: ") + std::strerror(watchdog.send_error())
                                                   : std::string(" while it hung")));
          handed_on = true;
          break;
        }
        if (p.how == TargetProbe::kPastLimits) break;  // past max_id (or, for ID 0, past max_channel)
        if (p.how == TargetProbe::kHostGone) {
          w.count(p);
          host_gone = true;
          break;
        }
        channel_exists = true;
        w.count(p);
      }
      if (w.continue_at || !channel_exists || host_gone || handed_on) break;
    }
  }

  if (w.continue_at) {
    int rc = send_synthetic_change(host.get(), {{kSynthAction, action},
                                                {kSynthChannel, std::to_string(w.continue_at->first)},
                                                {kSynthId, std::to_string(w.continue_at->second)}});
    if (rc) err << "scsi-probe host " << name << ": cannot continue: " << std::strerror(rc) << "\n";
    out << "SCSI_PROBE_CONTINUE=" << w.continue_at->first << ":" << w.continue_at->second << "\n";
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  std::string notes;
  for (const auto& n : w.notes) notes += (notes.empty() ? "" : "; ") + n;
  out << "SCSI_PROBE_TARGETS_FOUND=" << w.targets_found << "\n"
      << "SCSI_PROBE_KERNEL_SCANS=" << w.kernel_scans << "\n"
      << "SCSI_PROBE_REASON=" << d.reason << (notes.empty() ? "" : "; " + notes) << "\n";
  err << "scsi-probe host " << name << " (" << (proc_name.empty() ? "?" : proc_name) << "): "
      << w.targets_found << " new target(s) (" << w.wlun_targets << " through the well-known LUN), "
      << w.kernel_scans << " kernel target scan(s), " << w.rescanned
      << " known target(s) left to their change events, " << hs.scan_writes() << " scan write(s), "
      << ms.count() << " ms" << (w.continue_at ? ", continuing in a later run" : "")
      << (walk_cursor() ? ", continued from " + std::to_string(walk_cursor()->first) + ":" +
                              std::to_string(walk_cursor()->second)
                        : std::string())
      << (notes.empty() ? "" : "; " + notes) << "\n";
  identify_created(u.get(), hs.created(), start, err);
  return kExitOk;
}

}  // namespace scsi_probe
