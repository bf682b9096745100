// `scsi-probe rescan [OBJECT | --all]`: the rescan the udev rules run on a
// change event (the same code path: a change uevent on the host, target or
// device, handled by udevd and its rules), started and waited for from the
// command line, with what it changed (rescan_report.h). A device is first
// re-read by the kernel (its `rescan` attribute: INQUIRY data and capacity).
// With --dry-run, nothing of that: the same decisions through recording
// seams (rescan_dry_run.h), and what they would change.
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <ostream>
#include <set>

#include "commands.h"
#include "diagnostics.h"
#include "policy_files.h"
#include "rescan_dry_run.h"
#include "rescan_report.h"
#include "result.h"
#include "show_tree.h"
#include "sysfs.h"
#include "sysfs_scan.h"
#include "text.h"

namespace scsi_probe {

namespace {

using Clock = std::chrono::steady_clock;

struct Scope {
  std::vector<UdevDevicePtr> objects;  // what gets the change event
  bool all = false;
  std::optional<unsigned> host;
  std::optional<ScsiTarget> target;
  std::optional<ScsiAddress> device;

  bool covers(const ScsiAddress& a) const {
    return all || (host && a.host == *host) || (target && target_of(a) == *target) || (device && a == *device);
  }
};

Result<Scope> resolve(udev* u, const std::string& arg, bool all) {
  Scope s;
  if (all || arg.empty()) {
    s.all = true;
    UdevEnumeratePtr e(udev_enumerate_new(u));
    udev_enumerate_add_match_subsystem(e.get(), "scsi");
    udev_enumerate_add_match_property(e.get(), "DEVTYPE", "scsi_host");
    udev_enumerate_scan_devices(e.get());
    udev_list_entry* entry;
    udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
      if (UdevDevicePtr d{udev_device_new_from_syspath(u, udev_list_entry_get_name(entry))})
        s.objects.push_back(std::move(d));
    }
    return s;
  }
  if (auto h = parse_host_name(arg)) {
    Result<UdevDevicePtr> d = find_scsi_object(u, arg, ScsiObjectKind::kHost);
    if (!d) return d.error();
    s.host = h;
    s.objects.push_back(std::move(*d));
    return s;
  }
  // "H:C:T" names a target as well as "targetH:C:T".
  const std::string target_arg = std::count(arg.begin(), arg.end(), ':') == 2 && !arg.starts_with("target")
                                     ? "target" + arg
                                     : arg;
  if (auto t = parse_target_name(target_arg)) {
    Result<UdevDevicePtr> d = find_scsi_object(u, target_arg, ScsiObjectKind::kTarget);
    if (!d) return d.error();
    s.target = t;
    s.objects.push_back(std::move(*d));
    return s;
  }
  Result<UdevDevicePtr> d = find_scsi_object(u, arg, ScsiObjectKind::kDevice);
  if (!d) return d.error();
  s.device = parse_scsi_address(udev_device_get_sysname(d->get()));
  s.objects.push_back(std::move(*d));
  return s;
}

DeviceSet snapshot(udev* u, const Scope& scope) {
  DeviceSet set;
  UdevEnumeratePtr e(udev_enumerate_new(u));
  udev_enumerate_add_match_subsystem(e.get(), "scsi");
  udev_enumerate_add_match_property(e.get(), "DEVTYPE", "scsi_device");
  udev_enumerate_scan_devices(e.get());
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    UdevDevicePtr d(udev_device_new_from_syspath(u, udev_list_entry_get_name(entry)));
    auto a = d ? parse_scsi_address(udev_device_get_sysname(d.get())) : std::nullopt;
    if (!a || !scope.covers(*a)) continue;
    DeviceSnapshot s;
    s.type = device_type_name(static_cast<int>(read_int_attribute(d.get(), "type").value_or(-1)));
    s.vendor = std::string(trim(read_text_attribute(d.get(), "vendor").value_or("")));
    s.model = std::string(trim(read_text_attribute(d.get(), "model").value_or("")));
    s.size_bytes = block_device_bytes(u, d.get());
    s.kept = udev_property(d.get(), "SCSI_PROBE_KEPT");
    set[*a] = std::move(s);
  }
  return set;
}

// Waits until udevd has handled the change event of every object and its
// queue is empty (the events those runs raised: targets, continuations).
// On a terminal (stderr), a progress line once it takes long: the LUNs in
// scope added and removed so far.
bool wait_settled(udev* u, udev_monitor* mon, const Scope& scope, std::set<std::string> pending,
                  std::chrono::seconds timeout) {
  const bool tty = isatty(STDERR_FILENO);
  bool shown = false;
  const auto start = Clock::now();
  RescanProgress progress;
  std::unique_ptr<udev_queue, decltype(&udev_queue_unref)> queue(udev_queue_new(u), udev_queue_unref);
  bool settled = false;
  for (;;) {
    pollfd p{udev_monitor_get_fd(mon), POLLIN, 0};
    if (poll(&p, 1, 200) > 0)
      while (UdevDevicePtr d{udev_monitor_receive_device(mon)}) {
        pending.erase(udev_device_get_syspath(d.get()));
        const char* action = udev_device_get_action(d.get());
        auto a = parse_scsi_address(udev_device_get_sysname(d.get()));
        if (!action || !a || !scope.covers(*a)) continue;
        if (std::strcmp(action, "add") == 0) ++progress.added;
        if (std::strcmp(action, "remove") == 0) ++progress.removed;
      }
    progress.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    progress.pending = pending.size();
    if (pending.empty() && queue && udev_queue_get_queue_is_empty(queue.get())) {
      settled = true;
      break;
    }
    if (progress.elapsed > timeout) break;
    const std::string line = tty ? format_rescan_progress(progress) : std::string();
    if (!line.empty()) {
      std::cerr << "\r" << line << "\033[K" << std::flush;
      shown = true;
    }
  }
  if (shown) std::cerr << "\r\033[K" << std::flush;
  return settled;
}

// What the rescan would do, said without doing it.
int dry_run(udev* u, const Scope& scope, std::ostream& out, std::ostream& err) {
  const DeviceSet now = snapshot(u, scope);
  const Policy policy = load_policy(err, false);
  DryRunRecord record;
  for (const UdevDevicePtr& o : scope.objects) {
    if (scope.device) {
      record.unknown.push_back(
          {format_scsi_address(*scope.device),
           "the kernel would read its INQUIRY data and capacity again (its rescan attribute) and scsi-probe "
           "decide its attachment again: a dry run does neither (scsi-probe explain shows the decision)"});
    } else if (scope.target) {
      udev_device* host = udev_device_get_parent_with_subsystem_devtype(o.get(), "scsi", "scsi_host");
      if (!host) continue;
      SysfsScsiHost hs(u, host);
      RecordingScsiHost dry(hs, record);
      dry_run_target(u, hs, dry, *scope.target, policy, record);
    } else {
      dry_run_host(u, o.get(), policy, record);
    }
  }
  for (const std::string& line : report_dry_run(now, record)) out << line << "\n";
  return kExitOk;
}

}  // namespace

int run_rescan(const Invocation& inv, bool all, bool dry, std::chrono::seconds timeout, std::ostream& out,
               std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  Result<Scope> scope = resolve(u.get(), inv.object, all);
  if (!scope) {
    diag(err, "rescan") << scope.error().message << "\n";
    return kExitNoDevice;
  }
  if (dry) return dry_run(u.get(), *scope, out, err);
  UdevMonitorPtr mon(udev_monitor_new_from_netlink(u.get(), "udev"));
  if (!mon || udev_monitor_filter_add_match_subsystem_devtype(mon.get(), "scsi", nullptr) < 0 ||
      udev_monitor_enable_receiving(mon.get()) < 0) {
    diag(err, "rescan") << "cannot listen to udev events: " << std::strerror(errno) << "\n";
    return kExitInternal;
  }
  const DeviceSet before = snapshot(u.get(), *scope);
  std::set<std::string> pending;
  for (const UdevDevicePtr& o : scope->objects) {
    const std::string name = udev_device_get_sysname(o.get());
    if (scope->device) {
      if (int rc = write_sysfs(o.get(), "rescan", "1"))
        diag(err, "rescan", name) << "rescan: " << std::strerror(rc) << "\n";
    }
    if (int rc = write_sysfs(o.get(), "uevent", "change"))
      diag(err, "rescan", name) << "change event: " << std::strerror(rc) << "\n";
    else
      pending.insert(udev_device_get_syspath(o.get()));
  }
  const bool settled = wait_settled(u.get(), mon.get(), *scope, pending, timeout);
  const DeviceSet after = snapshot(u.get(), *scope);

  std::vector<ScanRecord> records;
  for (const UdevDevicePtr& o : scope->objects) {
    if (scope->device) continue;
    // A fresh look: the database entry the rescan's event left.
    UdevDevicePtr now(udev_device_new_from_syspath(u.get(), udev_device_get_syspath(o.get())));
    if (!now) continue;
    const bool host = scope->all || scope->host;
    const std::string key = host ? "SCSI_PROBE_HOST" : "SCSI_PROBE_TARGET";
    records.push_back({host ? std::string(udev_device_get_sysname(now.get())) : format_scsi_target(*scope->target),
                       !udev_property(now.get(), key.c_str()).empty(), udev_property(now.get(), "SCSI_PROBE_REASON")});
  }
  const RescanReport r = report_rescan(before, after, records, settled);
  for (const std::string& line : r.lines) out << line << "\n";
  return r.failed ? kExitRescanFailed : kExitOk;
}

}  // namespace scsi_probe
