// `scsi-probe device`: identification of one scsi_device.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>

#include <scsi/sg_lib.h>
#include <ostream>

#include "commands.h"
#include "device_data.h"
#include "attach_policy.h"
#include "identify.h"
#include "inquiry.h"
#include "kmod_loader.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "report_luns.h"
#include "scsi_channel.h"
#include "sysfs.h"
#include "sysfs_attach.h"
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

// Carries out an attach decision through sysfs and libkmod. Returns what
// went wrong, empty when all went as decided.
std::vector<std::string> apply_attach(const AttachDecision& a, udev_device* dev,
                                      const ScsiAddress& addr, bool owns_attachment) {
  std::vector<std::string> problems;
  std::string name = format_scsi_address(addr);
  auto load = [&](std::string_view module) {
    std::string error;
    if (load_module(module, error) != 0) problems.push_back(error);
  };
  auto write = [&](const std::string& path, const std::string& value) {
    if (int rc = write_sysfs(nullptr, path, value); rc != 0)
      problems.push_back(path + ": " + std::strerror(rc));
  };
  switch (a.bind) {
    case BindAction::kBind:
      // With drivers_autoprobe on, the kernel binds by itself once udev's
      // kmod builtin has loaded the module.
      if (owns_attachment) {
        load(a.module);
        write("/sys/bus/scsi/drivers/" + std::string(upper_driver_name(a.driver)) + "/bind", name);
      }
      break;
    case BindAction::kUnbind:
      write("/sys/bus/scsi/drivers/" + a.unbind_from + "/unbind", name);
      break;
    case BindAction::kRemove:
      // LUN 0 and the well-known LUN carry the target's REPORT LUNS: the
      // target scan removes them after use.
      if (addr.lun != 0 && addr.lun != kReportLunsWellKnownLun)
        write(std::string(udev_device_get_syspath(dev)) + "/delete", "1");
      break;
    case BindAction::kNone:
    case BindAction::kAlreadyBound:
      break;
  }
  if (a.handler.action == HandlerAction::kAttach) {
    load(a.handler.module);
    write(std::string(udev_device_get_syspath(dev)) + "/dh_state",
          std::string(device_handler_name(a.handler.handler)));
  }
  return problems;
}

}  // namespace

int run_device(const Invocation& inv, std::ostream& out, std::ostream& err) {
  const auto start = std::chrono::steady_clock::now();
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
  std::string name = udev_device_get_sysname(dev.get());
  DeviceData d = read_device_data(dev.get());
  std::set<uint8_t> kernel_pages;
  for (const auto& [page, bytes] : d.vpd) kernel_pages.insert(page);
  VpdFetch plan = plan_vpd_fetches(d, identification_pages());
  std::vector<std::string> warnings;

  std::unique_ptr<ScsiChannel> channel;
  auto open_channel = [&]() -> ScsiChannel* {
    if (channel) return channel.get();
    std::string open_error;
    channel = ScsiChannel::open_first(command_nodes(u.get(), dev.get()), open_error);
    if (!channel) warnings.push_back(open_error);
    return channel.get();
  };

  // The kernel's copy of the standard INQUIRY data has its vendor, model and
  // revision sanitized (other bytes blanked, everything after a NUL too);
  // scsi_id and sg_inq see the device's own bytes, so ask the device: one
  // command. The kernel's copy stays for the attach decision, and stands in
  // when the device cannot be asked.
  const std::vector<uint8_t> kernel_inquiry = d.inquiry;
  if (auto* ch = open_channel()) {
    CommandResult r = ch->inquiry(36);
    if (r.ok() && r.data.size() >= 5)
      d.inquiry = std::move(r.data);
    else
      warnings.push_back("INQUIRY: " + (r.ok() ? std::string("answer too short") : r.error) +
                         ": using the kernel's sanitized copy");
  }
  if (d.inquiry.empty()) {
    err << "scsi-probe device " << name << ": no INQUIRY data (kernel attribute missing";
    for (const auto& w : warnings) err << "; " << w;
    err << ")\n";
    return kExitNoData;
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

  Identity id = identify_device(d);
  // scsi_id also reads pages that page 0 does not list (0x80 with 0x83). On
  // a device the kernel read VPD from, ask those too; a device the kernel
  // spared (no page 0) gets nothing, and its ID_SERIAL is left to scsi_id.
  if (!id.missing_pages.empty() && d.page(0x00)) {
    for (uint8_t page : id.missing_pages) fetch(page);
    id = identify_device(d);
  }
  for (auto& w : id.warnings) warnings.push_back(std::move(w));
  BlistFlags quirk_flags = 0;
  if (auto inq = parse_standard_inquiry(d.inquiry)) {
    QuirkDecision q = lookup_quirks(u.get(), inq->vendor, inq->model, inq->revision, dev.get());
    quirk_flags = q.flags;
    set_property(id.properties, "SCSI_PROBE_QUIRKS", format_blist_flags(q.flags));
    set_property(id.properties, "SCSI_PROBE_QUIRKS_SOURCE", quirk_source_name(q.source));
    for (auto& n : q.notes) warnings.push_back(std::move(n));
  }
  // What attaches: the kernel's default, quirks and the administrator's policy.
  std::string attach_line;
  if (auto addr = parse_scsi_address(name)) {
    Policy policy = load_policy(err);
    LunAddress lun{*addr, target_identity(u.get(), addr->host, addr->channel, addr->target)};
    const auto* kernel_pg83 = kernel_pages.count(0x83) ? d.page(0x83) : nullptr;
    std::optional<DeviceIdPage> pg83;
    if (kernel_pg83) pg83 = parse_device_id_page(*kernel_pg83);
    DeviceVerdict verdict = decide_device(policy, lun, lun_identity(id.properties, pg83 ? &*pg83 : nullptr));
    SysfsAttachFacts facts = SysfsAttachFacts::read(dev.get());
    AttachInput ai = facts.input(kernel_inquiry, quirk_flags, verdict.request);
    if (auto a = decide_attach(ai)) {
      for (auto& p : attach_properties(*a)) set_property(id.properties, p.key, p.value);
      // Decisions are carried out on add and change (a policy edit applied by
      // `udevadm trigger`), not on the bind and unbind events they cause.
      bool act = inv.action == "add" || inv.action == "change";
      bool owns = read_sysfs_text("/sys/bus/scsi/drivers_autoprobe").value_or("1") == "0";
      if (act)
        for (auto& problem : apply_attach(*a, dev.get(), *addr, owns)) warnings.push_back(std::move(problem));
      attach_line = ", attach " + std::string(upper_driver_name(a->driver)) + " (" +
                    std::string(bind_action_name(a->bind)) + (act ? "" : ", not acted on") + "), handler " +
                    std::string(device_handler_name(a->handler.handler)) + ": " + a->reason;
    }
  }
  int commands = channel ? channel->commands_sent() : 0;
  set_property(id.properties, "SCSI_PROBE_COMMANDS", std::to_string(commands));
  std::string warning_text;
  for (const auto& w : warnings) warning_text += (warning_text.empty() ? "" : "; ") + w;
  if (!warning_text.empty()) set_property(id.properties, "SCSI_PROBE_WARNING", warning_text);
  out << format_udev_properties(id.properties);

  const std::string* serial = find_property(id.properties, "ID_SERIAL");
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  err << "scsi-probe device " << name << ": " << (serial ? *serial : "(no ID_SERIAL)")
      << ", " << commands << " SCSI command(s), " << ms.count() << " ms, VPD: " << plan.reason
      << attach_line;
  if (!warning_text.empty()) err << "; " << warning_text;
  err << "\n";
  return kExitOk;
}

}  // namespace scsi_probe
