// `scsi-probe explain DEVICE [--json[=MODE]]`: why a device is (or is not) there and
// attached, step by step: how its target was scanned, where its
// identification came from, which hwdb record and kernel flags applied,
// which policy lines matched, and what attaches. Read-only: it sends no SCSI
// command and writes nothing; the decision is the device run's own
// (device_decision.h), made again from sysfs, the udev database, the hwdb
// and the policy files as they are now. An H:C:T:L without a device is
// answered from what is above it (absent_lun.h).
#include <algorithm>
#include <initializer_list>
#include <ostream>
#include <sstream>

#include "absent_lun.h"
#include "commands.h"
#include "device_decision.h"
#include "device_gather.h"
#include "diagnostics.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "scsi_address.h"
#include "show_tree.h"
#include "sysfs.h"
#include "sysfs_scan.h"

namespace scsi_probe {

namespace {

// What explain shows beyond the decision's own facts.
ExplainFacts gather_explain_facts(udev* u, udev_device* dev, const ScsiAddress& addr,
                                  const StandardInquiry& inq) {
  ExplainFacts m;
  m.vendor = read_text_attribute(dev, "vendor").value_or("?");
  m.model = read_text_attribute(dev, "model").value_or("?");
  m.type = read_text_attribute(dev, "type").value_or("?");
  m.scan_mode = read_module_parameter("scsi_mod", "scan").value_or("?");
  if (UdevDevicePtr target = scsi_target_at(u, target_of(addr))) m.target_scan = udev_property(target.get(), "SCSI_PROBE_REASON");
  for (const char* key : {"ID_SERIAL", "ID_WWN_WITH_EXTENSION", "SCSI_PROBE_COMMANDS",
                          "SCSI_PROBE_ID_LEFT_TO_SCSI_ID", "SCSI_PROBE_WARNING", "SCSI_PROBE_KEPT"})
    if (std::string v = udev_property(dev, key); !v.empty()) m.record.push_back({key, v});
  m.hwdb = hwdb_quirk_properties(u, inq.vendor, inq.model, inq.revision);
  return m;
}

Properties record_of(udev_device* dev, std::initializer_list<const char*> keys) {
  Properties p;
  for (const char* key : keys)
    if (std::string v = udev_property(dev, key); !v.empty()) p.push_back({key, v});
  return p;
}

// What is above an address without a device: its host, its target and the
// target's LUNs, their records in the udev database.
AbsentLunFacts gather_absent_lun_facts(udev* u, const ScsiAddress& a) {
  AbsentLunFacts f;
  f.address = a;
  f.scan_mode = read_module_parameter("scsi_mod", "scan").value_or("?");
  const std::string host_name = host_sysname(a.host);
  if (UdevDevicePtr host{udev_device_new_from_subsystem_sysname(u, "scsi", host_name.c_str())}) {
    f.host_exists = true;
    if (UdevDevicePtr shost{udev_device_new_from_subsystem_sysname(u, "scsi_host", host_name.c_str())})
      f.proc_name = read_text_attribute(shost.get(), "proc_name").value_or("");
    f.host_record = record_of(host.get(), {"SCSI_PROBE_HOST_CLASS", "SCSI_PROBE_REASON", "SCSI_PROBE_TARGETS_FOUND",
                                           "SCSI_PROBE_KERNEL_SCANS"});
  }
  const ScsiTarget t = target_of(a);
  UdevDevicePtr target = scsi_target_at(u, t);
  if (!target) return f;
  f.target_exists = true;
  f.target = target_identity(u, t);
  f.target_record = record_of(target.get(), {"SCSI_PROBE_REASON", "SCSI_PROBE_LUNS_ADDED", "SCSI_PROBE_LUNS_REMOVED",
                                             "SCSI_PROBE_KERNEL_SCAN", "SCSI_PROBE_WARNING"});
  UdevEnumeratePtr e(udev_enumerate_new(u));
  udev_enumerate_add_match_parent(e.get(), target.get());
  udev_enumerate_add_match_subsystem(e.get(), "scsi");
  udev_enumerate_scan_devices(e.get());
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    UdevDevicePtr d(udev_device_new_from_syspath(u, udev_list_entry_get_name(entry)));
    if (!d) continue;
    auto l = parse_scsi_address(udev_device_get_sysname(d.get()));
    if (!l || target_of(*l) != t) continue;
    f.target_luns.push_back(l->lun);
    if (l->lun == 0) f.lun0_quirks = udev_property(d.get(), "SCSI_PROBE_QUIRKS");
  }
  std::sort(f.target_luns.begin(), f.target_luns.end());
  return f;
}

void print(const Explanation& e, const OutputFormat& format, std::ostream& out) {
  if (format.json) out << format_json_text(explanation_json(e), format.pretty);
  else out << format_explanation_text(e);
}

}  // namespace

int run_explain(const Invocation& inv, const OutputFormat& format, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  Result<UdevDevicePtr> found = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kDevice);
  if (!found) {
    // "Why is it not there?": an address is answered from what is above it.
    if (auto a = parse_scsi_address(inv.object)) {
      std::ostringstream policy_errors;
      print(explain_absent_lun(gather_absent_lun_facts(u.get(), *a), load_policy(policy_errors)), format, out);
      return kExitNoDevice;
    }
    diag(err, "explain") << found.error().message << "\n";
    return kExitNoDevice;
  }
  UdevDevicePtr dev = std::move(*found);
  std::string name = udev_device_get_sysname(dev.get());
  if (!parse_scsi_address(name)) {
    diag(err, "explain", name) << "not an H:C:T:L device\n";
    return kExitNoDevice;
  }
  // No command: the identification the database holds, the kernel's cache.
  const Properties known = database_identity(dev.get());
  DeviceFacts facts = gather_device_facts(u.get(), dev.get(), "", false, &known);
  facts.explain = true;
  std::ostringstream policy_errors;
  const Policy policy = load_policy(policy_errors);
  DeviceDecision decision = decide_with_use(u.get(), dev.get(), facts, policy);
  if (!decision.inquiry) {
    diag(err, "explain", name) << "the kernel holds no INQUIRY data for it\n";
    return kExitNoData;
  }
  print(explain_device(facts, gather_explain_facts(u.get(), dev.get(), *facts.address, *decision.inquiry),
                       decision, policy),
        format, out);
  return kExitOk;
}

}  // namespace scsi_probe
