// `scsi-probe explain DEVICE`: why a device is (or is not) there and
// attached, step by step: how its target was scanned, where its
// identification came from, which hwdb record and kernel flags applied,
// which policy lines matched, and what attaches. Read-only: it sends no SCSI
// command and writes nothing; the decision is the device run's own
// (device_decision.h), made again from sysfs, the udev database, the hwdb
// and the policy files as they are now.
#include <ostream>
#include <sstream>

#include "commands.h"
#include "device_decision.h"
#include "device_gather.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "scsi_address.h"
#include "sysfs.h"

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
  std::string target_name = "target" + std::to_string(addr.host) + ":" + std::to_string(addr.channel) + ":" +
                            std::to_string(addr.target);
  UdevDevicePtr target(udev_device_new_from_subsystem_sysname(u, "scsi", target_name.c_str()));
  if (target) m.target_scan = udev_property(target.get(), "SCSI_PROBE_REASON");
  for (const char* key : {"ID_SERIAL", "ID_WWN_WITH_EXTENSION", "SCSI_PROBE_COMMANDS",
                          "SCSI_PROBE_ID_LEFT_TO_SCSI_ID", "SCSI_PROBE_WARNING", "SCSI_PROBE_KEPT"})
    if (std::string v = udev_property(dev, key); !v.empty()) m.record.push_back({key, v});
  m.hwdb = hwdb_quirk_properties(u, inq.vendor, inq.model, inq.revision);
  return m;
}

}  // namespace

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
  if (!parse_scsi_address(name)) {
    err << "scsi-probe explain: " << name << ": not an H:C:T:L device\n";
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
    err << "scsi-probe explain " << name << ": the kernel holds no INQUIRY data for it\n";
    return kExitNoData;
  }
  out << format_explanation(facts, gather_explain_facts(u.get(), dev.get(), *facts.address, *decision.inquiry),
                            decision, policy);
  return kExitOk;
}

}  // namespace scsi_probe
