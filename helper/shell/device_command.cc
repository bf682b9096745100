// `scsi-probe device`: identification of one scsi_device.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <system_error>
#include <thread>
#include <vector>

#include "attach_policy.h"
#include "commands.h"
#include "deadline_watchdog.h"
#include "device_decision.h"
#include "device_gather.h"
#include "device_handoff.h"
#include "diagnostics.h"
#include "kmod_loader.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "report_luns.h"
#include "rescan_lock.h"
#include "scsi_channel.h"
#include "sysfs.h"
#include "sysfs_scan.h"
#include "system_log.h"
#include "text.h"
#include "walk_budget.h"

namespace scsi_probe {

namespace {

// The driver bound to `dev` now, from its `driver` link; nullopt: none.
std::optional<std::string> bound_driver_now(udev_device* dev) {
  char target[PATH_MAX];
  const std::string link = std::string(udev_device_get_syspath(dev)) + "/driver";
  ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return std::nullopt;
  std::string_view path(target, static_cast<std::size_t>(n));
  return std::string(path.substr(path.rfind('/') + 1));
}

// Carries out an attach decision through sysfs and libkmod: what went wrong
// goes to `applied.problems`, what a bind did to `applied.effects`
// (attach_outcome.h).
void apply_attach(const AttachDecision& a, udev_device* dev, const ScsiAddress& addr, bool owns_attachment,
                  const std::function<void()>& before_bind, AttachApplied& applied) {
  std::vector<std::string>& problems = applied.problems;
  std::string name = format_scsi_address(addr);
  auto load = [&](std::string_view module) {
    Status loaded = load_module(module);
    if (!loaded) problems.push_back(loaded.error().message);
    return loaded ? std::string() : loaded.error().message;
  };
  // Each change is logged with the decision's reason; a failed one as a
  // warning, so that the fallback that follows has its cause beside it.
  auto write = [&](const std::string& path, const std::string& value, const std::string& action,
                   std::string (*explain)(int) = nullptr) {
    std::string error;
    if (int rc = write_sysfs(nullptr, path, value); rc != 0) {
      error = path + ": " + std::strerror(rc);
      if (explain) error += " (" + explain(rc) + ")";
      problems.push_back(error);
      log_change({LogPriority::kWarning, name, action + " failed", error});
    } else {
      log_change({LogPriority::kNotice, name, action, a.reason});
    }
    return error;
  };
  switch (a.bind) {
    case BindAction::kBind:
      // With drivers_autoprobe on, the kernel binds by itself once udev's
      // kmod builtin has loaded the module.
      if (owns_attachment) {
        AttachEffects& effects = applied.effects;
        effects.helper_binds = true;
        effects.module_error = load(a.module);
        if (before_bind) before_bind();
        const std::string driver(upper_driver_name(a.driver));
        effects.bind_error =
            write(concat({kScsiBus, "/drivers/", driver, "/bind"}), name, "bind " + driver, bind_failure_reason);
        // Afresh: libudev keeps the driver it read before the bind.
        effects.bound_driver_after = bound_driver_now(dev);
      }
      break;
    case BindAction::kUnbind:
      write(concat({kScsiBus, "/drivers/", a.unbind_from, "/unbind"}), name, "unbind " + a.unbind_from);
      break;
    case BindAction::kRemove:
      // LUN 0 and the well-known LUN carry the target's REPORT LUNS: the
      // target scan removes them after use.
      if (addr.lun != 0 && addr.lun != kReportLunsWellKnownLun)
        write(std::string(udev_device_get_syspath(dev)) + "/delete", "1", "remove");
      break;
    case BindAction::kNone:
    case BindAction::kAlreadyBound:
      break;
  }
  if (a.handler.action == HandlerAction::kAttach) {
    load(a.handler.module);
    const std::string handler(device_handler_name(a.handler.handler));
    write(std::string(udev_device_get_syspath(dev)) + "/dh_state", handler, "attach handler " + handler);
  }
}

// A run cut before its attach (walk_budget.h: udevd kills it next) leaves
// the device to the kernel's driver matching, as the rules' fallback does
// for a run that failed: nothing the kernel would attach stays unattached.
int kernel_driver_matching(udev_device* dev, const std::string& name, const std::string& why) {
  if (bound_driver_now(dev) || read_sysfs_text(kDriversAutoprobe).value_or("1") != "0") return 0;
  // The module first, as the kmod builtin of 80-drivers.rules would load it
  // after this run: with drivers_autoprobe at 0 a later load binds nothing.
  if (const char* alias = udev_device_get_sysattr_value(dev, "modalias")) (void)load_module(alias, why);
  const int rc = write_sysfs(nullptr, concat({kScsiBus, "/drivers_probe"}), name);
  log_change({rc ? LogPriority::kErr : LogPriority::kWarning, name, "bind (kernel driver matching)",
              rc ? concat({why, "; drivers_probe: ", std::strerror(rc)}) : why});
  return rc;
}

using Clock = std::chrono::steady_clock;

long long ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

// One device's identification and attach decision, carried out on add and
// change: gather (device_gather.h), decide (device_decision.h), apply here.
// `created_here`: the scan run that created the device is deciding. With
// `known` (a synthetic change: `udevadm trigger`), the identification is
// the one in the database and no command is sent: only the decision is made
// again, and only its SCSI_PROBE_* keys are printed. `before_bind` runs
// right before a bind is written. `cut`: the run's watchdog, which binds
// the kernel's way should the decision come too late.
DeviceRunReport identify_device_run(udev* u, udev_device* dev, const std::string& action, const Policy& policy,
                                    bool created_here, const Properties* known = nullptr,
                                    const std::function<void()>& before_bind = nullptr,
                                    DeadlineWatchdog* cut = nullptr) {
  const auto start = Clock::now();
  DeviceFacts facts = gather_device_facts(u, dev, action, created_here, known);
  DeviceDecision decision = decide_with_use(u, dev, facts, policy);
  AttachApplied applied;
  if (cut && !cut->disarm()) {
    applied.problems.push_back("run cut before its attach: left to the kernel's driver matching");
    decision.acts = false;
  }
  // Under manual the hwdb's flags are the kernel's too, for the devices of
  // this model created later.
  if (decision.acts && facts.quirks && facts.quirks->not_applied && read_scan_mode() == ScanMode::kManual)
    decision.warnings.push_back(
        add_dev_flags_entry(facts.name, facts.quirks->not_applied, facts.quirks->dev_flags_entry));
  std::optional<Clock::time_point> identified;  // set when an attach follows
  if (decision.attach && decision.acts) {
    if (!decision.attach->kept.empty())
      log_change({LogPriority::kNotice, facts.name, "keep", decision.attach->kept});
    const bool owns = read_sysfs_text(kDriversAutoprobe).value_or("1") == "0";
    // A bind runs the driver's probe (sd's own commands) before it returns:
    // timed apart from the identification.
    identified = Clock::now();
    apply_attach(*decision.attach, dev, *facts.address, owns, before_bind, applied);
    applied.carried_out = true;
    applied.ms = ms_between(*identified, Clock::now());
  }
  return report_device_run(facts, decision, applied, ms_between(start, identified.value_or(Clock::now())));
}

}  // namespace

int run_device(const Invocation& inv, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) {
    diag(err, "device") << "cannot use libudev: " << std::strerror(errno) << "\n";
    return kExitInternal;
  }
  Result<UdevDevicePtr> found = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kDevice);
  if (!found) {
    diag(err, "device") << found.error().message << "\n";
    return kExitNoDevice;
  }
  UdevDevicePtr dev = std::move(*found);
  const std::string name = udev_device_get_sysname(dev.get());
  // Only a new device can be left unattached by a killed run.
  std::optional<DeadlineWatchdog> cut;
  if (inv.action == "add") {
    const auto timeout = udev_event_timeout_here();
    const std::string why = "device " + describe_cut(timeout) + " before its attach decision";
    cut.emplace(run_cut_time(timeout));
    cut->arm([d = dev.get(), &name, why] { return kernel_driver_matching(d, name, why); });
  }
  // A synthetic change (`udevadm trigger`, a policy edit) on an identified
  // device decides again from what the kernel and the database hold: the
  // kernel re-reads INQUIRY data itself when it changes (and says so).
  Properties known;
  if (inv.action == "change" && std::getenv("SYNTH_UUID") && !std::getenv("SDEV_UA") &&
      has_scsi_probe_record(dev.get()))
    known = database_identity(dev.get());
  if (known.empty())
    if (auto addr = parse_scsi_address(name)) {
      // A remote-port run scans the target it creates while udevd may run
      // its devices' add events (the target is no child of the port): such
      // an event waits for that scan and takes what it handed over. Only a
      // scan that outlives the wait leaves this run to identify the device
      // alongside it.
      if (inv.action == "add" && await_target_scan(target_of(*addr), rescan_lock_wait()))
        if (Result<std::string> handed = read_whole_file(handoff_path(*addr)); handed && !handed->empty()) {
          out << *handed;
          diag(err, "device", name) << "identified by the scan of its target that ran alongside this event: "
                                       "its keys handed over\n";
          return kExitOk;
        }
      // This run's answer supersedes what a scan run handed over.
      unlink(handoff_path(*addr).c_str());
    }
  DeviceRunReport run = identify_device_run(u.get(), dev.get(), inv.action, load_policy(err), false,
                                            known.empty() ? nullptr : &known, nullptr, cut ? &*cut : nullptr);
  out << run.properties;
  diag(err, "device", name) << run.log << "\n";
  return run.no_data ? kExitNoData : kExitOk;
}

namespace {

// Writes a handoff file in `dir` through a temporary of its own (mkstemp:
// two runs handing over the same object never share one) and a rename: the
// add event reads it whole or not at all.
int write_handoff_file(std::string_view dir, const std::string& path, const std::string& properties) {
  if (int rc = make_state_folder(std::string(dir))) return rc;
  std::string tmp = handoff_temp_template(path);
  int fd = mkostemp(tmp.data(), O_CLOEXEC);
  if (fd < 0) return errno;
  if (fchmod(fd, 0644) != 0) {
    int e = errno;
    close(fd);
    unlink(tmp.c_str());
    return e;
  }
  std::size_t done = 0;
  while (done < properties.size()) {
    ssize_t n = write(fd, properties.data() + done, properties.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : EIO;
      close(fd);
      unlink(tmp.c_str());
      return e;
    }
    done += static_cast<std::size_t>(n);
  }
  if (close(fd) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(tmp.c_str());
    return e;
  }
  return 0;
}

int write_handoff(const ScsiAddress& a, const std::string& properties) {
  return write_handoff_file(kHandoffDir, handoff_path(a), properties);
}

}  // namespace

void drop_target_handoffs(unsigned host) {
  DIR* d = opendir(std::string(kTargetHandoffDir).c_str());
  if (!d) return;
  while (dirent* e = readdir(d))
    if (is_target_handoff_of_host(e->d_name, host))
      unlinkat(dirfd(d), e->d_name, 0);
  closedir(d);
}

void hand_off_target(const ScsiTarget& t, std::string_view reason, std::ostream& err) {
  const std::string path = target_handoff_path(t);
  if (int rc = write_handoff_file(kTargetHandoffDir, path, target_handoff_properties(t, reason)))
    diag(err, "target", format_scsi_target(t)) << "not handed over: " << path << ": " << std::strerror(rc)
        << "; its add event scans it\n";
}

void hand_off_kernel_scanned_targets(const SysfsScsiHost& hs, std::ostream& err) {
  for (const auto& [t, how] : hs.kernel_scanned_targets())
    hand_off_target(t, concat({"its LUNs were created by ", how, " in the host run: nothing left to scan"}), err);
}

namespace {

// One created device, as its own add event would identify it; the handoff
// only for a device whose attach was carried out: any other goes through
// its own add event (and the fallback there), here and, should /run
// survive a switch_root, again in the real root.
void identify_one(udev* u, const ScsiAddress& a, const Policy& policy, const std::function<void()>& before_bind,
                  std::ostream& log) {
  // Gone again: the well-known LUN after use, LUN 0 left out by the policy.
  UdevDevicePtr dev = scsi_device_at(u, a);
  if (!dev) return;
  DeviceRunReport run = identify_device_run(u, dev.get(), "add", policy, true, nullptr, before_bind);
  std::string handed = run.attached ? "not handed over" : "not handed over: not attached";
  if (!run.no_data && run.attached) {
    int rc = write_handoff(a, run.properties);
    handed = rc ? "not handed over: " + handoff_path(a) + ": " + std::strerror(rc) : "handed to its add event";
  }
  diag(log, "device", format_scsi_address(a)) << run.log << "; " << handed << "\n";
}

}  // namespace

struct CreatedDevices::State {
  Clock::time_point start;
  std::mutex m;
  std::condition_variable cv;
  std::deque<ScsiAddress> queue;      // guarded by m
  bool closed = false;                // guarded by m: nothing more comes
  std::size_t idle = 0;               // guarded by m: workers waiting for a device
  std::size_t left = 0;               // guarded by m: devices past the budget
  std::ostringstream log;             // guarded by m
  std::vector<ScsiAddress> deferred;  // the well-known LUN: at the end
  std::vector<std::thread> workers;
  bool finished = false;
  // Names in creation order (bind_in_order()).
  std::vector<ScsiAddress> created;   // guarded by m: in creation order
  std::set<ScsiAddress> settled;      // guarded by m: devices whose attach is over
  std::condition_variable settled_cv;

  std::once_flag policy_loaded;
  std::optional<Policy> policy;
  // The upper drivers' modules, loading from each device's first moment
  // on, ahead of its identification.
  DriverModulePreload modules;

  const Policy& run_policy() {
    std::call_once(policy_loaded, [this] {
      // The scan run reported on the policy already.
      std::ostringstream policy_errors;
      if (!policy) policy = load_policy(policy_errors);
    });
    return *policy;
  }

  // sd, sr and st number their devices as their probe starts, in the order
  // the binds reach them; the kernel's own scan adds one device at a time.
  // So a bind waits until the device created before it has its name (sd's
  // scsi_disk, made before it reads the capacity) or its attach is over,
  // for at most kBindOrderWait: names follow creation order, while the
  // slow part of each probe overlaps the next.
  void bind_in_order(const ScsiAddress& a) {
    std::unique_lock<std::mutex> lock(m);
    auto it = std::find(created.begin(), created.end(), a);
    if (it == created.begin() || it == created.end()) return;
    const ScsiAddress before = *(it - 1);
    const std::string named = scsi_device_path(before) + "/scsi_disk";
    const auto until = Clock::now() + kBindOrderWait;
    while (!settled.count(before) && access(named.c_str(), F_OK) != 0 && Clock::now() < until)
      settled_cv.wait_for(lock, std::chrono::milliseconds(5));
  }

  void settle(const ScsiAddress& a) {
    {
      std::lock_guard<std::mutex> lock(m);
      settled.insert(a);
    }
    settled_cv.notify_all();
  }

  void work() {
    UdevPtr u(udev_new());
    for (;;) {
      ScsiAddress a;
      bool late = false;
      {
        std::unique_lock<std::mutex> lock(m);
        ++idle;
        cv.wait(lock, [this] { return closed || !queue.empty(); });
        --idle;
        if (queue.empty()) return;
        a = queue.front();
        queue.pop_front();
        // Each identification waits at most a device run's bound.
        late = Clock::now() - start > kHandoffStartBudget;
        if (late) ++left;
      }
      if (late) {
        settle(a);
        continue;
      }
      std::ostringstream line;
      if (!u) {
        diag(line, "device", format_scsi_address(a)) << "cannot use libudev: " << std::strerror(errno)
            << "; left to its own add event\n";
      } else {
        try {
          identify_one(u.get(), a, run_policy(), [this, a] { bind_in_order(a); }, line);
        } catch (const std::exception& e) {
          diag(line, "device", format_scsi_address(a)) << e.what() << "; left to its own add event\n";
        }
      }
      settle(a);
      std::lock_guard<std::mutex> lock(m);
      log << line.str();
    }
  }
};

CreatedDevices::CreatedDevices(SysfsScsiHost& hs, Clock::time_point run_start, std::optional<Policy> policy)
    : hs_(hs), s_(std::make_unique<State>()) {
  s_->start = run_start;
  s_->policy = std::move(policy);
  ScsiChannel::prepare_for_threads();
  hs_.on_created([this](const ScsiAddress& a) { add(a); });
}

CreatedDevices::~CreatedDevices() {
  std::ostringstream discarded;
  finish(discarded);
}

void CreatedDevices::add(const ScsiAddress& a) {
  // Here, not in the worker: the module load is the longest step before
  // the bind, and a worker starts it only once the scan has gone on.
  s_->modules.device_created(a);
  if (a.lun == kReportLunsWellKnownLun) {
    s_->deferred.push_back(a);
    return;
  }
  bool more_workers = false;
  {
    std::lock_guard<std::mutex> lock(s_->m);
    s_->queue.push_back(a);
    s_->created.push_back(a);
    // Binds wait for the upper driver's probe (sd reads the capacity):
    // another worker where every one is busy, as the kernel probes drivers
    // of several devices at once.
    more_workers = s_->idle == 0 && s_->workers.size() < kIdentifyWorkers;
  }
  s_->cv.notify_one();
  if (!more_workers) return;
  try {
    s_->workers.emplace_back([s = s_.get()] { s->work(); });
  } catch (const std::system_error&) {
    // No thread to be had: the others, or finish() in this one, take it.
  }
}

void CreatedDevices::finish(std::ostream& err) {
  if (s_->finished) return;
  s_->finished = true;
  hs_.on_created(nullptr);
  {
    std::lock_guard<std::mutex> lock(s_->m);
    s_->queue.insert(s_->queue.end(), s_->deferred.begin(), s_->deferred.end());
    s_->created.insert(s_->created.end(), s_->deferred.begin(), s_->deferred.end());
    s_->closed = true;
  }
  s_->cv.notify_all();
  if (s_->workers.empty()) s_->work();
  for (std::thread& w : s_->workers) w.join();
  err << s_->log.str();
  if (s_->left)
    diag(err, "") << s_->left << " new device(s) left to their own add events: this run's time budget is spent\n";
}

}  // namespace scsi_probe
