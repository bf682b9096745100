// `scsi-probe target`: the LUN scan of one target (target_scan.h), on its
// add event, on a change event of one of its LUNs (REPORTED LUNS DATA HAS
// CHANGED), or on demand; and on a transport's remote-port event (FC remote
// port, SAS end device, iSCSI session: remote_port.h), the probe of the one
// target behind the port and the scan of its LUNs.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ostream>
#include <thread>

#include "commands.h"
#include "device_handoff.h"
#include "diagnostics.h"
#include "host_class.h"
#include "host_walk.h"
#include "kmod_loader.h"
#include "rescan_dry_run.h"
#include "rescan_lock.h"
#include "sysfs_host.h"
#include "system_log.h"
#include "target_scan.h"
#include "text.h"

namespace scsi_probe {

namespace {

// Resolves "targetH:C:T", a target's syspath, or anything below a target.
Result<ScsiTarget> resolve_target(udev* u, const std::string& arg) {
  if (auto name = parse_target_name(arg)) return *name;
  Result<UdevDevicePtr> target = find_scsi_object(u, arg, ScsiObjectKind::kTarget);
  if (!target) {
    // A change event queued on a LUN that a rescan has removed since: what
    // it says (REPORTED LUNS DATA HAS CHANGED) still holds for its target,
    // if that is still there.
    if (auto t = target_in_path(arg); t && scsi_target_at(u, *t)) return *t;
    return target.error();
  }
  if (auto name = parse_target_name(udev_device_get_sysname(target->get()))) return *name;
  return Error{arg + ": unexpected target name", ENODEV};
}

// Polls an iSCSI session's state until the login is over or this run's
// share of the wait is (remote_port.h); nullopt when the session went away.
// libudev caches attribute values: a new device object for each look.
std::optional<RemotePortFacts> await_login(udev* u, udev_device* port) {
  const auto until = std::chrono::steady_clock::now() + kLoginWaitPerRun;
  RemotePortFacts f = read_remote_port(port);
  while (decide_port_target(f).await_login && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    UdevDevicePtr fresh(udev_device_new_from_syspath(u, udev_device_get_syspath(port)));
    if (!fresh) return std::nullopt;
    f = read_remote_port(fresh.get());
  }
  return f;
}

// A session still logging in after this run's wait: a change event on it
// carries the count of runs to a later run, until iscsid would have given up.
void login_wait_later(udev_device* port, const std::string& name, std::ostream& out, std::ostream& err) {
  const char* arg = synthetic_argument(kSynthLoginWait);
  const unsigned runs = (arg ? parse_continue_cursor(arg).value_or(0) : 0) + 1;
  LoginWaitOutcome o = after_login_wait(name, runs);
  if (o.continue_later)
    if (int rc = send_synthetic_change(port, {{kSynthLoginWait, std::to_string(runs)}}))
      (o.reason += "; cannot send the change event: ") += std::strerror(rc);
  out << "SCSI_PROBE_REASON=" << o.reason << "\n";
  diag(err, "target", name) << o.reason << "\n";
}

// The rest of a list cut by the run's budget goes to a later run: a
// synthetic change event on the target carries the cursor (one the run's
// watchdog sent already, when it cut the run).
void continue_later(udev* u, const ScsiTarget& t, const TargetScanResult& r, std::ostream& out,
                    std::ostream& err) {
  if (!r.continue_at) return;
  out << kContinueProperty << "=" << *r.continue_at << "\n";
  if (r.cut) return;
  UdevDevicePtr target = scsi_target_at(u, t);
  int rc = target ? send_synthetic_change(target.get(), {{kSynthContinue, format_continue_cursor(*r.continue_at)}})
                  : ENODEV;
  if (rc) diag(err, "target", format_scsi_target(t)) << "cannot continue: " << std::strerror(rc) << "\n";
}

// The kernel's scan of the target ("C T -"), where the helper leaves the
// LUNs to the kernel.
int kernel_target_scan(SysfsScsiHost& hs, const ScsiTarget& t, const std::string& reason, std::ostream& out,
                       std::ostream& err) {
  out << "SCSI_PROBE_TARGET=" << format_scsi_target(t) << "\nSCSI_PROBE_REASON=" << reason << "\n";
  CreatedDevices created(hs, std::chrono::steady_clock::now());
  int rc = hs.kernel_scan_target(t);
  diag(err, "target", format_scsi_target(t)) << "kernel scan of the target ("
      << (rc ? std::strerror(rc) : "done") << "), " << hs.created().size() << " LUN(s) created; "
      << reason << "\n";
  created.finish(err);
  return kExitOk;
}

int run_port(udev* u, udev_device* port, const Invocation& inv, std::ostream& out, std::ostream& err) {
  RemotePortFacts facts = read_remote_port(port);
  facts.login_reported = std::getenv(kIscsiSessionStateProperty) != nullptr;
  Result<UdevDevicePtr> host = find_scsi_object(u, udev_device_get_syspath(port), ScsiObjectKind::kHost);
  if (!host) {
    diag(err, "target", facts.name) << host.error().message << "\n";
    return kExitNoDevice;
  }
  SysfsScsiHost hs(u, host->get());
  const ScanMode mode = read_scan_mode();
  const ScanTrigger trigger = scan_trigger(inv.action);
  const Decision d = helper_scans(mode, trigger);
  PortTarget pt = decide_port_target(facts);
  if (pt.await_login && d.yes) {
    auto after = await_login(u, port);
    if (!after) {
      out << "SCSI_PROBE_TARGET=" << facts.name << "\nSCSI_PROBE_REASON=session gone while logging in\n";
      diag(err, "target", facts.name) << "session gone while logging in\n";
      return kExitOk;
    }
    facts = std::move(*after);
    pt = decide_port_target(facts);
    if (pt.await_login) {
      out << "SCSI_PROBE_TARGET=" << facts.name << "\n";
      login_wait_later(port, facts.name, out, err);
      return kExitOk;
    }
  }
  const ScsiTarget t{hs.number(), pt.channel, pt.id};
  out << "SCSI_PROBE_TARGET=" << (pt.probe ? format_scsi_target(t) : facts.name) << "\n";
  if (!pt.probe || !d.yes) {
    const std::string& why = pt.probe ? d.reason : pt.reason;
    out << "SCSI_PROBE_REASON=" << why << "\n";
    diag(err, "target", facts.name) << why << "\n";
    return kExitOk;
  }
  auto start = std::chrono::steady_clock::now();
  std::string summary;
  std::size_t handed = 0;
  if (hs.target_luns(t).empty()) {
    // The target is no child of the port: udevd may run its add event
    // alongside this run, and then its devices' events. The target's lock,
    // held from before the target exists, makes the target's run wait for
    // this one and find its scan answered (the record), and its devices'
    // runs take what this run handed over (device run); once done, the
    // files left answer those events without a run. A file of an earlier
    // target at this address goes first.
    RescanLock lock(target_lock_path(t));
    unlink(target_handoff_path(t).c_str());
    // Without the lock, nothing orders those events after this run: each
    // device is identified by its own, and only its module loads here.
    DriverModulePreload modules;
    std::optional<CreatedDevices> created;
    if (lock.locked())
      created.emplace(hs, start);
    else
      hs.on_created([&](const ScsiAddress& a) {
        modules.device_created(a);
      });
    bool wlun_refused = false;
    TargetProbeResult p = probe_target(hs, t, wlun_refused);
    summary = p.how == TargetProbe::kLun0          ? "LUN 0 instantiated"
              : p.how == TargetProbe::kWellKnownLun ? "reached through the well-known LUN"
              : p.how == TargetProbe::kKernelScan   ? "kernel scan of this target"
              : p.how == TargetProbe::kPastLimits   ? "refused by the host (EINVAL)"
                                                    : "nothing answered";
    if (!p.note.empty()) summary += "; " + p.note;
    // The LUN scan its add event's run would do, here: no process between
    // the port and its LUNs (the kernel's scan of the target did it
    // already; so do the hosts whose LUNs are not the helper's).
    const bool scan =
        probe_leaves_lun_scan(p, target_run(classify_host(read_host_facts(hs)), trigger).helper_lun_scan);
    std::optional<TargetScanResult> r;
    if (scan) {
      lock.restart();  // after the target's add event was raised: the record answers it
      TargetRunWatchdog watchdog(u, t, {});
      r = scan_target(u, hs, t, {trigger, {}, inv.verbose}, watchdog, err);
      summary += concat({"; its LUN scan: ", std::to_string(r->added), " LUN(s) added",
                         r->kernel_fallback ? ", kernel scan of this target" : "",
                         r->reasons.empty() ? "" : " (" + join(r->reasons) + ")"});
      continue_later(u, t, *r, out, err);
    }
    // The devices' files before the target's: its event imports its own
    // file only once theirs are there.
    if (created) {
      created->finish(err);
      handed = hs.created().size();
    } else {
      hs.on_created(nullptr);
    }
    if (r && !r->continue_at && !r->host_gone) {
      lock.record();
      hand_off_target(t, concat({"scanned by the run of ", facts.name, ": nothing left to scan"}), err);
    }
    out << "SCSI_PROBE_REASON=" << pt.reason << ": " << summary << "\n";
  } else {
    // Known already: a change on the port rescans its target, once for the
    // target's and the host's change events of the same trigger.
    RescanLock lock(target_lock_path(t));
    RescanGate gate = lock.gate();
    if (!gate.rescan) {
      out << "SCSI_PROBE_REASON=" << gate.reason << "\n";
      diag(err, "target", format_scsi_target(t) + " (" + pt.reason + ")") << "no rescan: " << gate.reason << "\n";
      return kExitOk;
    }
    TargetRunWatchdog watchdog(u, t, {});
    TargetScanResult r = scan_target(u, hs, t, {ScanTrigger::kRescan, {}, inv.verbose}, watchdog, err);
    if (!r.continue_at && !r.host_gone) lock.record();
    print_scan_result(t, r, out);
    continue_later(u, t, r, out, err);
    summary = std::to_string(r.added) + " LUN(s) added, " + std::to_string(r.removed) + " removed";
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  diag(err, "target", format_scsi_target(t) + " (" + pt.reason + ")") << summary << ", "
      << hs.scan_writes() << " scan write(s), " << ms.count() << " ms; " << hs.created().size()
      << " new device(s), " << handed << " identified here\n";
  return kExitOk;
}

// Hosts whose LUNs are not the helper's to scan (host_class.h): libata adds
// its own, usb-storage, uas and SRP get the kernel's scan. Returns the exit
// code when the host's class settled the run, else -1.
int run_target_by_host_class(SysfsScsiHost& hs, const ScsiTarget& t, ScanTrigger trigger,
                             std::ostream& out, std::ostream& err) {
  const HostClass cls = classify_host(read_host_facts(hs));
  const TargetRunDecision d = target_run(cls, trigger);
  if (d.helper_lun_scan) return -1;
  if (d.kernel_target_scan) return kernel_target_scan(hs, t, d.reason, out, err);
  out << "SCSI_PROBE_TARGET=" << format_scsi_target(t) << "\nSCSI_PROBE_REASON=" << d.reason << "\n";
  diag(err, "target", format_scsi_target(t)) << d.reason << "\n";
  return kExitOk;
}

// The run's one line for udev's log.
void log_target_scan(const ScsiTarget& t, const TargetScanResult& r, int scan_writes,
                     std::chrono::steady_clock::time_point start, std::ostream& err) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  diag(err, "target", format_scsi_target(t)) << r.added << " LUN(s) added, " << r.removed << " removed, "
      << scan_writes << " scan write(s), " << r.commands << " SCSI command(s), " << ms.count() << " ms"
      << (r.kernel_fallback ? ", kernel scan of this target" : "")
      << (r.host_gone ? ", host gone: scan stopped" : "")
      << (r.continue_at ? ", continuing in a later run" : "") << "\n";
}

// The LUN whose REPORTED LUNS DATA HAS CHANGED unit attention raised this
// event (the kernel's SDEV_UA on the scsi_device's change event).
std::optional<uint64_t> inventory_change_lun(const Invocation& inv) {
  const char* ua = std::getenv("SDEV_UA");
  const std::string_view path = inv.object;
  auto a = inventory_change_event(inv.action, path.substr(path.rfind('/') + 1), ua ? ua : "");
  return a ? std::optional<uint64_t>(a->lun) : std::nullopt;
}

}  // namespace

void dry_run_target(udev* u, SysfsScsiHost& hs, RecordingScsiHost& dry, const ScsiTarget& t, const Policy& policy,
                    DryRunRecord& record) {
  const std::string name = format_scsi_target(t);
  const Decision d = helper_scans(read_scan_mode(), ScanTrigger::kRescan);
  if (!d.yes) {
    record.scanned.push_back({name, d.reason});
    return;
  }
  const TargetRunDecision by_class = target_run(classify_host(read_host_facts(hs)), ScanTrigger::kRescan);
  if (!by_class.helper_lun_scan) {
    if (by_class.kernel_target_scan) dry.kernel_scan_target(t);
    record.scanned.push_back({name, by_class.reason});
    return;
  }
  record.scanned.push_back({name, join(dry_run_target_scan(u, hs, dry, t, policy, record))});
}

int run_target(const Invocation& inv, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  if (UdevDevicePtr port = find_remote_port(u.get(), inv.object))
    return run_port(u.get(), port.get(), inv, out, err);
  Result<ScsiTarget> t = resolve_target(u.get(), inv.object);
  if (!t) {
    diag(err, "target") << t.error().message << "\n";
    return kExitNoDevice;
  }
  Result<UdevDevicePtr> host = find_scsi_object(u.get(), host_sysname(t->host), ScsiObjectKind::kHost);
  if (!host) {
    diag(err, "target", format_scsi_target(*t)) << host.error().message << "\n";
    return kExitNoDevice;
  }
  const ScanMode mode = read_scan_mode();
  const ScanTrigger trigger = scan_trigger(inv.action);
  Decision d = helper_scans(mode, trigger);
  if (!d.yes) {
    out << "SCSI_PROBE_TARGET=" << format_scsi_target(*t) << "\nSCSI_PROBE_REASON=" << d.reason << "\n";
    if (inv.verbose) diag(err, "target", format_scsi_target(*t)) << d.reason << "\n";
    return kExitOk;
  }
  SysfsScsiHost hs(u.get(), host->get());
  if (int rc = run_target_by_host_class(hs, *t, trigger, out, err); rc >= 0) return rc;

  const bool continuation = synthetic_argument(kSynthContinue) != nullptr;
  const LunScanHandover from = handover_from_event();
  if (from.cuts >= kMaxCutsInARow) {
    const std::string why = concat({"the last ", std::to_string(from.cuts),
                                    " runs were cut before they added a LUN: the kernel's scan of the target"});
    log_change({LogPriority::kWarning, target_sysname(*t), "fallback", why});
    return kernel_target_scan(hs, *t, why, out, err);
  }
  // From here on a run that udevd kills leaves a successor behind.
  TargetRunWatchdog watchdog(u.get(), *t, from);

  // One scan of a target at a time, and one scan for all the events
  // raised before it started (rescan_gate.h): the add event too, when the
  // run of the remote port that created the target scanned it meanwhile. A
  // continuation goes on with its own cursor whatever the record says.
  std::optional<RescanLock> lock;
  InventoryChangeCollection collection;
  if (!continuation) {
    lock.emplace(target_lock_path(*t));
    RescanGate gate = lock->gate();
    if (!gate.rescan) {
      out << "SCSI_PROBE_TARGET=" << format_scsi_target(*t) << "\nSCSI_PROBE_REASON=" << gate.reason << "\n";
      diag(err, "target", format_scsi_target(*t)) << (trigger == ScanTrigger::kRescan ? "no rescan: " : "no scan: ")
                                                  << gate.reason << "\n";
      return kExitOk;
    }
    if (const std::optional<uint64_t> ua_lun = inventory_change_lun(inv)) {
      collection = collect_inventory_changes(u.get(), hs, *t, *ua_lun);
      // The events of the unit attentions collected, and of those taken in
      // meanwhile by others (a path checker), are answered by the REPORT
      // LUNS about to be sent.
      lock->restart();
    }
  }
  auto start = std::chrono::steady_clock::now();
  CreatedDevices created(hs, start);
  TargetScanResult r = scan_target(u.get(), hs, *t, {trigger, from, inv.verbose}, watchdog, err);
  r.commands += collection.commands;
  if (!collection.collected.empty())
    r.reasons.push_back(concat({"collected the unit attention of ", std::to_string(collection.collected.size()),
                                " other LUN(s) first",
                                collection.events_unseen
                                    ? concat({" (", std::to_string(collection.events_unseen),
                                              " of their events not raised in time: those rescan again)"})
                                    : std::string()}));
  if (lock && !r.continue_at && !r.host_gone) lock->record();
  lock.reset();
  print_scan_result(*t, r, out);
  continue_later(u.get(), *t, r, out, err);
  log_target_scan(*t, r, hs.scan_writes(), start, err);
  created.finish(err);
  return kExitOk;
}

}  // namespace scsi_probe
