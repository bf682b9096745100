// `scsi-probe device`: identification of one scsi_device.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <optional>
#include <set>
#include <sstream>

#include <scsi/sg_lib.h>
#include <ostream>

#include "attach_outcome.h"
#include "attach_policy.h"
#include "commands.h"
#include "device_data.h"
#include "device_handoff.h"
#include "device_use_facts.h"
#include "identify.h"
#include "inquiry.h"
#include "kmod_loader.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "report_luns.h"
#include "scsi_channel.h"
#include "sysfs.h"
#include "sysfs_attach.h"
#include "sysfs_scan.h"
#include "system_log.h"
#include "vpd_device_id.h"

namespace scsi_probe {

namespace {

DeviceData read_device_data(udev_device* dev) {
  DeviceData d;
  if (auto inq = read_binary_attribute(dev, "inquiry")) d.inquiry = std::move(*inq);
  for (int p = 0; p < 256; ++p) {
    auto code = static_cast<uint8_t>(p);
    if (!kernel_caches_vpd_page(code)) continue;
    if (auto page = read_binary_attribute(dev, vpd_attribute_name(code)); page && !page->empty())
      d.vpd[code] = std::move(*page);
  }
  d.scsi_level = static_cast<int>(read_int_attribute(dev, "scsi_level").value_or(-1));
  return d;
}

// The driver bound to `dev` now, from its `driver` link; nullopt: none.
std::optional<std::string> bound_driver_now(udev_device* dev) {
  char target[PATH_MAX];
  const std::string link = std::string(udev_device_get_syspath(dev)) + "/driver";
  ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0) return std::nullopt;
  std::string_view path(target, static_cast<std::size_t>(n));
  return std::string(path.substr(path.rfind('/') + 1));
}

// Carries out an attach decision through sysfs and libkmod. Returns what
// went wrong, empty when all went as decided; what a bind did goes to
// `effects` (attach_outcome.h).
std::vector<std::string> apply_attach(const AttachDecision& a, udev_device* dev,
                                      const ScsiAddress& addr, bool owns_attachment,
                                      AttachEffects& effects) {
  std::vector<std::string> problems;
  std::string name = format_scsi_address(addr);
  auto load = [&](std::string_view module) {
    std::string error;
    if (load_module(module, error) != 0) problems.push_back(error);
    return error;
  };
  // Each change is logged with the decision's reason; a failed one as a
  // warning, so that the fallback that follows has its cause beside it.
  auto write = [&](const std::string& path, const std::string& value, const std::string& action) {
    std::string error;
    if (int rc = write_sysfs(nullptr, path, value); rc != 0) {
      problems.push_back(error = path + ": " + std::strerror(rc));
      log_change({LogPriority::kWarning, name, action + " failed", problems.back()});
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
        effects.helper_binds = true;
        effects.module_error = load(a.module);
        const std::string driver(upper_driver_name(a.driver));
        effects.bind_error = write("/sys/bus/scsi/drivers/" + driver + "/bind", name, "bind " + driver);
        // Afresh: libudev keeps the driver it read before the bind.
        effects.bound_driver_after = bound_driver_now(dev);
      }
      break;
    case BindAction::kUnbind:
      write("/sys/bus/scsi/drivers/" + a.unbind_from + "/unbind", name, "unbind " + a.unbind_from);
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
  return problems;
}

using Clock = std::chrono::steady_clock;

long long ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

struct DeviceRun {
  int exit_code = kExitOk;
  // The attach decision was carried out (or the kernel carries it out);
  // false: SCSI_PROBE_ATTACH is not printed and the fallback must run.
  bool attached = false;
  std::string properties;  // KEY=value lines, as printed
  std::string log;         // the summary line, after "scsi-probe device H:C:T:L: "
};

// The identification an earlier run left in the udev database (ID_* and
// SCSI_* keys, not the SCSI_PROBE_* decision); empty when there is none.
Properties database_identity(udev_device* dev) {
  Properties p;
  if (udev_property(dev, "SCSI_PROBE_COMMANDS").empty()) return p;
  udev_list_entry* e = nullptr;
  udev_list_entry_foreach(e, udev_device_get_properties_list_entry(dev)) {
    std::string_view key = udev_list_entry_get_name(e);
    if ((key.starts_with("ID_") || key.starts_with("SCSI_")) && !key.starts_with("SCSI_PROBE_"))
      set_property(p, key, udev_list_entry_get_value(e) ? udev_list_entry_get_value(e) : "");
  }
  return p;
}

// One device's identification and attach decision, carried out on add and
// change: what `scsi-probe device` prints, and its summary line.
// `created_here`: the scan run that created the device is deciding (see
// decide_device). With `known` (a synthetic change: `udevadm trigger`), the
// identification is the one in the database and no command is sent: only
// the decision is made again, and only its SCSI_PROBE_* keys are printed.
DeviceRun identify_device_run(udev* u, udev_device* dev, const std::string& action, const Policy& policy,
                              bool created_here, const Properties* known = nullptr) {
  const auto start = Clock::now();
  std::optional<Clock::time_point> identified;  // set when an attach follows
  DeviceRun run;
  std::string name = udev_device_get_sysname(dev);
  DeviceData d = read_device_data(dev);
  std::set<uint8_t> kernel_pages;
  for (const auto& [page, bytes] : d.vpd) kernel_pages.insert(page);
  VpdFetch plan = known ? VpdFetch{{}, "identification from the udev database, no command sent"}
                        : plan_vpd_fetches(d, identification_pages());
  std::vector<std::string> warnings;

  std::unique_ptr<ScsiChannel> channel;
  auto open_channel = [&]() -> ScsiChannel* {
    if (channel) return channel.get();
    std::string open_error;
    channel = ScsiChannel::open_first(command_nodes(u, dev), open_error);
    if (!channel) warnings.push_back(open_error);
    return channel.get();
  };

  // The kernel's copy of the standard INQUIRY data has its vendor, model and
  // revision sanitized (other bytes blanked, everything after a NUL too);
  // scsi_id and sg_inq see the device's own bytes, so ask the device: one
  // command. The kernel's copy stays for the attach decision, and stands in
  // when the device cannot be asked.
  const std::vector<uint8_t> kernel_inquiry = d.inquiry;
  if (auto* ch = known ? nullptr : open_channel()) {
    CommandResult r = ch->inquiry(36);
    if (r.ok() && r.data.size() >= 5)
      d.inquiry = std::move(r.data);
    else
      warnings.push_back("INQUIRY: " + (r.ok() ? std::string("answer too short") : r.error) +
                         ": using the kernel's sanitized copy");
  }
  if (d.inquiry.empty()) {
    run.exit_code = kExitNoData;
    run.log = "no INQUIRY data (kernel attribute missing";
    for (const auto& w : warnings) run.log += "; " + w;
    run.log += ")";
    return run;
  }
  // A page the device rejects is kept as an empty answer; one that could not
  // be read at all stays unknown.
  auto fetch = [&](uint8_t page) {
    auto* ch = open_channel();
    if (!ch) return;
    CommandResult r = ch->vpd_page(page);
    VpdRead outcome = classify_vpd_read(r.ok(), !r.data.empty(), r.category);
    if (outcome == VpdRead::kUnreadable)
      warnings.push_back("VPD page " + vpd_attribute_name(page).substr(6) + ": " + r.error);
    record_vpd_read(d, page, outcome, std::move(r.data));
  };
  for (uint8_t page : plan.pages) fetch(page);

  Identity id = known ? Identity{*known, {}, {}} : identify_device(d);
  // scsi_id also reads pages that page 0 does not list (0x80 with 0x83). On
  // a device the kernel read VPD from, ask those too; a device the kernel
  // spared (no page 0) gets nothing, and its ID_SERIAL is left to scsi_id.
  if (!known && !id.missing_pages.empty() && d.page(0x00)) {
    for (uint8_t page : id.missing_pages) fetch(page);
    id = identify_device(d);
  }
  for (auto& w : id.warnings) warnings.push_back(std::move(w));
  BlistFlags quirk_flags = 0;
  if (auto inq = parse_standard_inquiry(d.inquiry)) {
    QuirkDecision q = lookup_quirks(u, inq->vendor, inq->model, inq->revision, dev);
    quirk_flags = q.flags;
    set_property(id.properties, "SCSI_PROBE_QUIRKS", format_blist_flags(q.flags));
    set_property(id.properties, "SCSI_PROBE_QUIRKS_SOURCE", quirk_source_name(q.source));
    for (auto& n : q.notes) warnings.push_back(std::move(n));
  }
  // What attaches: the kernel's default, quirks and the administrator's policy.
  std::string attach_line;
  if (auto addr = parse_scsi_address(name)) {
    LunAddress lun{*addr, target_identity(u, addr->host, addr->channel, addr->target)};
    const auto* kernel_pg83 = kernel_pages.count(0x83) ? d.page(0x83) : nullptr;
    std::optional<DeviceIdPage> pg83;
    if (kernel_pg83) pg83 = parse_device_id_page(*kernel_pg83);
    // LUN 0 was instantiated to reach its target, whatever the policy:
    // a listing that leaves it out keeps it, attached.
    const bool to_identify = created_here && addr->lun != 0;
    DeviceVerdict verdict =
        decide_device(policy, lun, lun_identity(id.properties, pg83 ? &*pg83 : nullptr), to_identify);
    SysfsAttachFacts facts = SysfsAttachFacts::read(dev);
    AttachInput ai = facts.input(kernel_inquiry, quirk_flags, verdict.request);
    if (auto a = decide_attach(ai)) {
      // Decisions are carried out on add and change (a policy edit applied by
      // `udevadm trigger`), not on the bind and unbind events they cause.
      bool act = action == "add" || action == "change";
      // LUN 0 and the well-known LUN are the target scan's to remove.
      const bool removes = a->bind == BindAction::kRemove && addr->lun != 0 && addr->lun != kReportLunsWellKnownLun;
      if (act && (removes || a->bind == BindAction::kUnbind)) {
        UseVerdict use = device_use(u, dev);
        if (use.in_use) {
          a = spare_device_in_use(std::move(*a), ai.bound_driver, use.reason);
          warnings.push_back(a->kept);
          log_change({LogPriority::kNotice, name, "keep", a->kept});
        }
      }
      for (auto& p : attach_properties(*a)) set_property(id.properties, p.key, p.value);
      bool owns = read_sysfs_text("/sys/bus/scsi/drivers_autoprobe").value_or("1") == "0";
      std::string acted = ", not acted on";
      AttachEffects effects;
      if (act) {
        // A bind runs the driver's probe (sd's own commands) before it
        // returns: timed apart from the identification.
        identified = Clock::now();
        for (auto& problem : apply_attach(*a, dev, *addr, owns, effects))
          warnings.push_back(std::move(problem));
        acted = " in " + std::to_string(ms_between(*identified, Clock::now())) + " ms";
      }
      AttachOutcome outcome = attach_outcome(*a, effects);
      run.attached = outcome.attached;
      if (!outcome.attached) acted += ", FAILED: the kernel's driver matching follows";
      for (auto& p : outcome.properties) set_property(id.properties, p.key, p.value);
      attach_line = ", attach " + std::string(upper_driver_name(a->driver)) + " (" +
                    std::string(bind_action_name(a->bind)) + acted + "), handler " +
                    std::string(device_handler_name(a->handler.handler)) + ": " + a->reason;
    }
  }
  int commands = channel ? channel->commands_sent() : 0;
  set_property(id.properties, "SCSI_PROBE_COMMANDS", std::to_string(commands));
  std::string warning_text;
  for (const auto& w : warnings) warning_text += (warning_text.empty() ? "" : "; ") + w;
  if (!warning_text.empty()) set_property(id.properties, "SCSI_PROBE_WARNING", warning_text);
  if (known) {
    // The identification stays as the database has it (the rules import it).
    Properties decision;
    for (auto& p : id.properties)
      if (p.key.starts_with("SCSI_PROBE_")) decision.push_back(p);
    run.properties = format_udev_properties(decision);
  } else {
    run.properties = format_udev_properties(id.properties);
  }

  const std::string* serial = find_property(id.properties, "ID_SERIAL");
  const long long identify_ms = ms_between(start, identified.value_or(Clock::now()));
  run.log = (serial ? *serial : "(no ID_SERIAL)") + ", " + std::to_string(commands) + " SCSI command(s), " +
            std::to_string(identify_ms) + " ms, VPD: " + plan.reason + attach_line;
  if (!warning_text.empty()) run.log += "; " + warning_text;
  return run;
}

}  // namespace

int run_device(const Invocation& inv, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) {
    err << "scsi-probe device: cannot use libudev: " << std::strerror(errno) << "\n";
    return kExitInternal;
  }
  std::string error;
  UdevDevicePtr dev = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kDevice, error);
  if (!dev) {
    err << "scsi-probe device: " << error << "\n";
    return kExitNoDevice;
  }
  const std::string name = udev_device_get_sysname(dev.get());
  // A synthetic change (`udevadm trigger`, a policy edit) on an identified
  // device decides again from what the kernel and the database hold: the
  // kernel re-reads INQUIRY data itself when it changes (and says so).
  Properties known;
  if (inv.action == "change" && std::getenv("SYNTH_UUID") && !std::getenv("SDEV_UA"))
    known = database_identity(dev.get());
  // This run's answer supersedes what a scan run handed over.
  if (known.empty())
    if (auto addr = parse_scsi_address(name)) unlink(handoff_path(*addr).c_str());
  DeviceRun run = identify_device_run(u.get(), dev.get(), inv.action, load_policy(err), false,
                                      known.empty() ? nullptr : &known);
  out << run.properties;
  err << "scsi-probe device " << name << ": " << run.log << "\n";
  return run.exit_code;
}

namespace {

// Writes the file through a temporary of its own (mkstemp: two runs handing
// over the same device never share one) and a rename: the add event reads it
// whole or not at all.
int write_handoff(const ScsiAddress& a, const std::string& properties) {
  const std::string dir(kHandoffDir);
  for (const std::string& d : {dir.substr(0, dir.rfind('/')), dir})
    if (mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) return errno;
  const std::string path = handoff_path(a);
  std::string tmp = handoff_temp_template(a);
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

}  // namespace

void identify_created(udev* u, const std::vector<ScsiAddress>& created,
                      std::chrono::steady_clock::time_point run_start, std::ostream& err) {
  if (created.empty()) return;
  // The scan run loaded (and reported on) the policy already.
  std::ostringstream policy_errors;
  const Policy policy = load_policy(policy_errors);
  std::size_t i = 0;
  for (; i < created.size(); ++i) {
    if (std::chrono::steady_clock::now() - run_start > kHandoffStartBudget) break;
    // Gone again: the well-known LUN after use, LUN 0 left out by the policy.
    UdevDevicePtr dev = scsi_device_at(u, created[i]);
    if (!dev) continue;
    DeviceRun run = identify_device_run(u, dev.get(), "add", policy, true);
    // Only a device whose attach was carried out: any other goes through
    // its own add event (and the fallback there), here and, should /run
    // survive a switch_root, again in the real root.
    std::string handed = run.attached ? "not handed over" : "not handed over: not attached";
    if (run.exit_code == kExitOk && run.attached) {
      int rc = write_handoff(created[i], run.properties);
      handed = rc ? "not handed over: " + handoff_path(created[i]) + ": " + std::strerror(rc)
                  : "handed to its add event";
    }
    err << "scsi-probe device " << format_scsi_address(created[i]) << ": " << run.log << "; " << handed
        << "\n";
  }
  if (i < created.size())
    err << "scsi-probe: " << created.size() - i
        << " new device(s) left to their own add events: this run's time budget is spent\n";
}

}  // namespace scsi_probe
