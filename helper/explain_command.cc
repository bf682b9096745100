// `scsi-probe explain DEVICE`: why a device is (or is not) there and
// attached, step by step: how its target was scanned, where its
// identification came from, which hwdb record and kernel flags applied,
// which policy lines matched, and what attaches. Read-only: it sends no SCSI
// command and writes nothing; the decisions are recomputed from sysfs, the
// hwdb and the policy files as they are now.
#include <ostream>
#include <sstream>

#include "attach_policy.h"
#include "commands.h"
#include "device_use_facts.h"
#include "inquiry.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "scsi_address.h"
#include "sysfs.h"
#include "sysfs_attach.h"
#include "vpd_device_id.h"

namespace scsi_probe {

int run_explain(const Invocation& inv, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  std::string error;
  UdevDevicePtr dev = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kDevice, error);
  if (!dev) {
    err << "scsi-probe explain: " << error << "\n";
    return kExitNoDevice;
  }
  std::string name = udev_device_get_sysname(dev.get());
  auto addr = parse_scsi_address(name);
  if (!addr) {
    err << "scsi-probe explain: " << name << ": not an H:C:T:L device\n";
    return kExitNoDevice;
  }
  std::vector<uint8_t> inquiry = read_binary_attribute(dev.get(), "inquiry").value_or(std::vector<uint8_t>{});
  auto inq = parse_standard_inquiry(inquiry);
  if (!inq) {
    err << "scsi-probe explain " << name << ": the kernel holds no INQUIRY data for it\n";
    return kExitNoData;
  }
  int step = 0;
  auto head = [&](const std::string& title) { out << "\n" << ++step << ". " << title << "\n"; };
  auto say = [&](const std::string& line) { out << "   " << line << "\n"; };

  out << name << ": " << read_text_attribute(dev.get(), "vendor").value_or("?") << " "
      << read_text_attribute(dev.get(), "model").value_or("?") << " (type "
      << read_text_attribute(dev.get(), "type").value_or("?") << ")\n";

  head("found");
  std::string target_name = "target" + std::to_string(addr->host) + ":" + std::to_string(addr->channel) +
                            ":" + std::to_string(addr->target);
  UdevDevicePtr target(udev_device_new_from_subsystem_sysname(u.get(), "scsi", target_name.c_str()));
  std::string scan_reason = target ? udev_property(target.get(), "SCSI_PROBE_REASON") : "";
  say("scsi_mod.scan=" + read_module_parameter("scsi_mod", "scan").value_or("?"));
  say(scan_reason.empty() ? "its target has no scsi-probe record: the kernel scanned it" : "target scan: " + scan_reason);

  head("identified");
  std::string serial = udev_property(dev.get(), "ID_SERIAL");
  say("ID_SERIAL=" + (serial.empty() ? "(none)" : serial) + ", ID_WWN_WITH_EXTENSION=" +
      (udev_property(dev.get(), "ID_WWN_WITH_EXTENSION").empty() ? "(none)" : udev_property(dev.get(), "ID_WWN_WITH_EXTENSION")));
  say("SCSI commands sent: " + (udev_property(dev.get(), "SCSI_PROBE_COMMANDS").empty() ? "(no scsi-probe record)" : udev_property(dev.get(), "SCSI_PROBE_COMMANDS")));
  if (udev_property(dev.get(), "SCSI_PROBE_ID_LEFT_TO_SCSI_ID") == "1")
    say("VPD-derived keys left to scsi_id: the kernel read no VPD page from this device");
  if (!udev_property(dev.get(), "SCSI_PROBE_WARNING").empty()) say("warning: " + udev_property(dev.get(), "SCSI_PROBE_WARNING"));

  head("quirks");
  say("hwdb key: " + quirk_hwdb_key(inq->vendor, inq->model, inq->revision));
  Properties hwdb = hwdb_quirk_properties(u.get(), inq->vendor, inq->model, inq->revision);
  if (hwdb.empty()) say("no hwdb record matches");
  for (const auto& p : hwdb) say("hwdb: " + p.key + "=" + p.value);
  say("kernel applied at creation (sysfs blacklist): " +
      (read_text_attribute(dev.get(), "blacklist").value_or("").empty() ? "(none)" : *read_text_attribute(dev.get(), "blacklist")));
  QuirkDecision q = lookup_quirks(u.get(), inq->vendor, inq->model, inq->revision, dev.get());
  say("in force: " + (q.flags ? format_blist_flags(q.flags) : std::string("(none)")) + " (from " +
      std::string(quirk_source_name(q.source)) + ")");
  for (const auto& n : q.notes) say("note: " + n);

  head("policy");
  std::ostringstream policy_errors;
  Policy policy = load_policy(policy_errors);
  if (policy.sources.empty() && policy.ignored.empty()) say("no policy: the kernel's default for every LUN");
  for (const auto& s : policy.sources) say("in force: " + s);
  for (const auto& s : policy.ignored) say("ignored as a whole for errors: " + s);
  for (const auto& e : policy.errors) say("error: " + e.format());
  LunAddress lun{*addr, target_identity(u.get(), addr->host, addr->channel, addr->target)};
  const auto pg83_bytes = read_binary_attribute(dev.get(), "vpd_pg83");
  std::optional<DeviceIdPage> pg83;
  if (pg83_bytes && !pg83_bytes->empty()) pg83 = parse_device_id_page(*pg83_bytes);
  Properties ids;
  for (const char* k : {"ID_WWN_WITH_EXTENSION"})
    if (!udev_property(dev.get(), k).empty()) ids.push_back({k, udev_property(dev.get(), k)});
  LunIdentity identity = lun_identity(ids, pg83 ? &*pg83 : nullptr);
  for (const auto& r : matching_rules(policy, lun, &identity)) say("matches: " + r);
  InstantiateDecision inst = decide_instantiate(policy, lun);
  say(std::string("instantiate: ") + (inst.instantiate ? "yes" : "no") + " (" + inst.reason + ")");
  DeviceVerdict verdict = decide_device(policy, lun, identity);

  head("attach");
  SysfsAttachFacts facts = SysfsAttachFacts::read(dev.get());
  AttachInput ai = facts.input(inquiry, q.flags, verdict.request);
  if (auto a = decide_attach(ai)) {
    say("kernel default: " + std::string(upper_driver_name(a->kernel.driver)) + " (" + a->kernel.reason + ")");
    say("decision: " + std::string(upper_driver_name(a->driver)) + ", " + std::string(bind_action_name(a->bind)) +
        " (" + a->reason + ")");
    say("handler: " + std::string(device_handler_name(a->handler.handler)) + " (" + a->handler.reason + ")");
    // The helper never deletes or unbinds a device in use.
    if (takes_device_away(*a))
      say(std::string(bind_action_name(a->bind)) + " only if not in use: now " + device_use(u.get(), dev.get()).reason);
  }
  if (!udev_property(dev.get(), "SCSI_PROBE_KEPT").empty())
    say("held back by the last run: " + udev_property(dev.get(), "SCSI_PROBE_KEPT"));
  say("when its target stops reporting it: " + decide_unreported(policy, lun).reason +
      " (removed only if confirmed gone twice and not in use)");
  say("bound now: " + facts.bound_driver.value_or("none"));
  return kExitOk;
}

}  // namespace scsi_probe
