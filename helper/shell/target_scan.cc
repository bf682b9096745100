#include "target_scan.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ostream>
#include <sstream>
#include <set>
#include <thread>

#include <poll.h>
#include <unistd.h>

#include "device_handoff.h"
#include "device_use_facts.h"
#include "inquiry.h"
#include "lun_scan.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "report_luns.h"
#include "rescan_gate.h"
#include "scsi_channel.h"
#include "system_log.h"
#include "text.h"
#include "walk_budget.h"

namespace scsi_probe {

namespace {

using Clock = std::chrono::steady_clock;

// The LUNs of one target on this machine: commands through their sg/bsg
// nodes, facts from sysfs through libudev.
class SysfsLunScanIo : public LunScanIo {
 public:
  SysfsLunScanIo(udev* u, const ScsiTarget& t) : u_(u), t_(t), start_(Clock::now()) {}

  AnsweringLunFacts answering_lun(uint64_t lun) override;
  LunCommandAnswer report_luns(uint64_t lun) override { return send(lun, false); }
  LunCommandAnswer inquiry(uint64_t lun) override { return send(lun, true); }
  std::optional<UseVerdict> use(uint64_t lun) override {
    UdevDevicePtr dev = scsi_device_at(u_, t_.lun(lun));
    if (!dev) return std::nullopt;
    return device_use(u_, dev.get());
  }
  bool handoff_exists(uint64_t lun) override { return access(handoff_path(t_.lun(lun)).c_str(), F_OK) == 0; }
  std::chrono::milliseconds elapsed() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
  }
  void wait(std::chrono::seconds d) override { std::this_thread::sleep_for(d); }
  void record(const ChangeRecord& r) override { log_change(r); }

 private:
  // REPORT LUNS, or a 36-byte INQUIRY.
  LunCommandAnswer send(uint64_t lun, bool inquiry);

  udev* u_;
  ScsiTarget t_;
  Clock::time_point start_;
};

AnsweringLunFacts SysfsLunScanIo::answering_lun(uint64_t lun) {
  AnsweringLunFacts f;
  UdevDevicePtr dev = scsi_device_at(u_, t_.lun(lun));
  if (!dev) return f;
  // The kernel's sanitized copy, not `inquiry_raw`: the kernel matches its
  // quirks on the sanitized fields, and the bytes before them are the same.
  auto data = read_binary_attribute(dev.get(), "inquiry");
  auto inq = data ? parse_standard_inquiry(*data) : std::nullopt;
  if (!inq) return f;
  f.inquiry = true;
  // The kernel's own scsi_level where sysfs has it: its derivation from the
  // version byte changed between kernel releases.
  f.scsi_level = read_int_attribute(dev.get(), "scsi_level").value_or(kernel_scsi_level(*inq));
  f.flags = lookup_quirks(u_, inq->vendor, inq->model, inq->revision, dev.get()).flags;
  return f;
}

LunCommandAnswer SysfsLunScanIo::send(uint64_t lun, bool inquiry) {
  LunCommandAnswer a;
  UdevDevicePtr dev = scsi_device_at(u_, t_.lun(lun));
  if (!dev) {
    a.absent = true;
    return a;
  }
  auto ch = ScsiChannel::open_first(CommandNodes(u_, dev.get()));
  if (!ch) {
    a.unreachable = ch.error().message;
    return a;
  }
  if (inquiry) a.running = read_text_attribute(dev.get(), "state").value_or("") == "running";
  ScsiChannel& channel = **ch;
  CommandResult res = inquiry ? channel.inquiry(36) : channel.report_luns();
  a.commands = channel.commands_sent();
  a.ok = res.ok();
  a.data = std::move(res.data);
  a.sense = std::move(res.sense);
  a.host_status = res.host_status;
  a.error = std::move(res.error);
  return a;
}

LunScanSetup lun_scan_setup(udev* u, SysfsScsiHost& host, const ScsiTarget& t, ScanTrigger trigger,
                            std::size_t cursor, Policy policy) {
  LunScanSetup setup;
  setup.target = t;
  setup.trigger = trigger;
  setup.cursor = cursor;
  setup.policy = std::move(policy);
  setup.identity = target_identity(u, t);
  // usb-storage sets the target's no_report_luns itself (scsiglue.c).
  setup.no_report_luns = host.proc_name() == "usb-storage";
  if (auto max = read_module_parameter("scsi_mod", "max_luns"))
    if (auto v = parse_kernel_ull(*max)) setup.max_scsi_luns = *v;
  setup.budget.max_run_time = target_batch_time(udev_event_timeout_here());
  return setup;
}

}  // namespace

TargetRunWatchdog::TargetRunWatchdog(udev* u, const ScsiTarget& t, const LunScanHandover& from)
    : target_(scsi_target_at(u, t)), name_(target_sysname(t)), timeout_(udev_event_timeout_here()),
      watchdog_(run_cut_time(timeout_)) {
  // Until the scan says more: its start again, one cut more.
  go_on(LunScanHandover{from.cursor, from.cuts + 1});
}

std::optional<LunScanHandover> TargetRunWatchdog::go_on(const std::optional<LunScanHandover>& h) {
  const bool on = h && target_ ? watchdog_.arm([this, h = *h] { return hand_on(h); }) : watchdog_.disarm();
  return on ? std::nullopt : sent_;
}

std::optional<LunScanHandover> TargetRunWatchdog::stop() { return watchdog_.stop() ? sent_ : std::nullopt; }

int TargetRunWatchdog::hand_on(const LunScanHandover& h) {
  sent_ = h;
  return send_cut_continuation(
      target_.get(), {{kSynthContinue, format_continue_cursor(h.cursor)}}, h.cuts,
      {name_, timeout_, concat({"the scan goes on from list entry ", std::to_string(h.cursor)}), "a LUN"}, note_);
}

LunScanHandover handover_from_event() {
  LunScanHandover h;
  if (const char* c = synthetic_argument(kSynthContinue)) h.cursor = parse_continue_cursor(c).value_or(0);
  h.cuts = cuts_from_event();
  return h;
}

TargetScanResult scan_target(udev* u, SysfsScsiHost& host, const ScsiTarget& t, const TargetScanRun& run,
                             TargetRunWatchdog& watchdog, std::ostream& err) {
  SysfsLunScanIo io(u, t);
  LunScanSetup setup = lun_scan_setup(u, host, t, run.trigger, run.from.cursor, load_policy(err));
  setup.cuts = run.from.cuts;
  TargetScanResult r = run_lun_scan(setup, host, io, run.verbose, err, &watchdog);
  // Sent after the scan's last action, the watchdog cut it all the same.
  if (auto sent = watchdog.stop()) {
    r.cut = true;
    r.continue_at = sent->cursor;
    r.reasons.push_back(watchdog.note());
  }
  return r;
}

namespace {

// The kernel's own uevents of scsi_devices, heard from now on (not udevd's:
// the rescan runs inside the worker that holds up its event's queue).
UdevMonitorPtr listen_to_scsi_device_uevents(udev* u) {
  UdevMonitorPtr mon(udev_monitor_new_from_netlink(u, "kernel"));
  if (!mon || udev_monitor_filter_add_match_subsystem_devtype(mon.get(), "scsi", "scsi_device") < 0 ||
      udev_monitor_enable_receiving(mon.get()) < 0)
    return nullptr;
  return mon;
}

// Waits until each LUN of `pending` has raised its inventory-change uevent,
// for at most `budget`. Returns how many did not in time.
std::size_t await_inventory_change_events(udev_monitor* mon, const ScsiTarget& t, std::set<uint64_t> pending,
                                          Clock::duration budget) {
  const auto until = Clock::now() + budget;
  while (!pending.empty()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{udev_monitor_get_fd(mon), POLLIN, 0};
    const int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) break;
    while (UdevDevicePtr d{udev_monitor_receive_device(mon)}) {
      const char* action = udev_device_get_action(d.get());
      const char* ua = udev_device_get_property_value(d.get(), "SDEV_UA");
      auto a = inventory_change_event(action ? action : "", udev_device_get_sysname(d.get()), ua ? ua : "");
      if (a && target_of(*a) == t) pending.erase(a->lun);
    }
  }
  return pending.size();
}

}  // namespace

InventoryChangeCollection collect_inventory_changes(udev* u, SysfsScsiHost& host, const ScsiTarget& t,
                                                    uint64_t except) {
  InventoryChangeCollection c;
  // Listening starts before the first command: each unit attention taken
  // raises its uevent from the kernel's event work, a moment later.
  UdevMonitorPtr mon = listen_to_scsi_device_uevents(u);
  const auto until = Clock::now() + kCollectBudget;
  for (uint64_t lun : host.target_luns(t)) {
    // Past its budget the rescan goes on: a unit attention not collected
    // only costs its LUN's event a rescan of its own.
    if (Clock::now() >= until) break;
    if (lun == except) continue;
    UdevDevicePtr dev = scsi_device_at(u, t.lun(lun));
    if (!dev) continue;
    // The kernel's sdev->removable is INQUIRY's RMB bit (byte 1, bit 7).
    auto type = read_int_attribute(dev.get(), "type");
    auto inquiry = read_binary_attribute(dev.get(), "inquiry");
    if (!type || !inquiry || inquiry->size() < 2 ||
        !may_collect_unit_attention(static_cast<uint8_t>(*type), ((*inquiry)[1] & 0x80) != 0))
      continue;
    auto ch = ScsiChannel::open_first(CommandNodes(u, dev.get()));
    if (!ch) continue;
    if (is_inventory_change((*ch)->test_unit_ready().sense)) c.collected.push_back(lun);
    c.commands += (*ch)->commands_sent();
  }
  if (c.collected.empty()) return c;
  const std::set<uint64_t> pending(c.collected.begin(), c.collected.end());
  c.events_unseen =
      mon ? await_inventory_change_events(mon.get(), t, pending, kCollectEventWait) : pending.size();
  return c;
}

std::vector<std::string> dry_run_target_scan(udev* u, SysfsScsiHost& host, RecordingScsiHost& dry,
                                             const ScsiTarget& t, const Policy& policy, DryRunRecord& record) {
  SysfsLunScanIo io(u, t);
  RecordingLunScanIo dry_io(io, dry, t, record);
  LunScanSetup setup = lun_scan_setup(u, host, t, ScanTrigger::kRescan, 0, policy);
  std::vector<std::string> reasons;
  // The scan's notes tell of deletes as done: the record says what they
  // would be.
  std::ostringstream notes;
  for (;;) {
    const TargetScanResult r = run_lun_scan(setup, dry, dry_io, false, notes);
    reasons.insert(reasons.end(), r.reasons.begin(), r.reasons.end());
    if (r.host_gone || !r.continue_at || *r.continue_at <= setup.cursor) break;
    setup.cursor = *r.continue_at;
  }
  return reasons;
}

void print_scan_result(const ScsiTarget& t, const TargetScanResult& r, std::ostream& out) {
  out << "SCSI_PROBE_TARGET=" << format_scsi_target(t) << "\n"
      << "SCSI_PROBE_LUNS_ADDED=" << r.added << "\n"
      << "SCSI_PROBE_LUNS_REMOVED=" << r.removed << "\n"
      << "SCSI_PROBE_KERNEL_SCAN=" << (r.kernel_fallback ? 1 : 0) << "\n"
      << "SCSI_PROBE_REASON=" << join(r.reasons) << "\n";
}

}  // namespace scsi_probe
