// `scsi-probe show [OBJECT] [-v] [--json[=MODE]]`: the hosts, targets and
// LUNs the kernel has, with what scsi-probe found and decided (read back
// from the udev database, where udev stored the helper's properties). It
// decides nothing: the device run's record is what it shows.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <ostream>

#include "address_pattern.h"
#include "commands.h"
#include "diagnostics.h"
#include "policy_files.h"
#include "scsi_address.h"
#include "show_tree.h"
#include "sysfs.h"
#include "sysfs_scan.h"
#include "text.h"

namespace scsi_probe {

namespace {

OptionalText text_attribute(udev_device* d, const char* name) {
  std::optional<std::string> s = read_text_attribute(d, name);
  if (!s) return std::nullopt;
  return std::string(trim(*s, " \n"));
}

OptionalText property(udev_device* d, const char* key) {
  std::string v = udev_property(d, key);
  return v.empty() ? OptionalText() : OptionalText(v);
}

template <typename T>
std::optional<T> number(const OptionalText& s) {
  if (!s || s->empty()) return std::nullopt;
  char* end = nullptr;
  unsigned long long v = std::strtoull(s->c_str(), &end, 0);
  if (*end) return std::nullopt;
  return static_cast<T>(v);
}

ShowDevice describe(udev* u, udev_device* dev, const ScsiAddress& a) {
  ShowDevice d;
  d.address = format_scsi_address(a);
  d.type = number<int>(text_attribute(dev, "type"));
  d.vendor = text_attribute(dev, "vendor");
  d.model = text_attribute(dev, "model");
  d.revision = text_attribute(dev, "rev");
  d.state = text_attribute(dev, "state");
  d.size_bytes = block_device_bytes(u, dev);
  if (const char* drv = udev_device_get_driver(dev)) d.driver = drv;
  d.handler = text_attribute(dev, "dh_state");
  if (d.handler == "detached") d.handler.reset();
  d.nodes = device_nodes(u, dev);
  d.serial = property(dev, "ID_SERIAL");
  d.wwn = property(dev, "ID_WWN_WITH_EXTENSION");
  d.quirks = property(dev, "SCSI_PROBE_QUIRKS");
  d.attach = property(dev, "SCSI_PROBE_ATTACH");
  d.reason = property(dev, "SCSI_PROBE_REASON");
  d.kept = property(dev, "SCSI_PROBE_KEPT");
  return d;
}

// What OBJECT selects: an address pattern, or a host or device found by
// any of its names (hostN, syspath, node, H:C:T:L).
Result<AddressPattern> selection(udev* u, const std::string& object) {
  if (object.empty()) return AddressPattern{};
  if (auto p = parse_address_pattern(object)) return *p;
  if (Result<UdevDevicePtr> d = find_scsi_object(u, object, ScsiObjectKind::kDevice)) {
    if (auto a = parse_scsi_address(udev_device_get_sysname(d->get())))
      return AddressPattern{a->host, a->channel, a->target, a->lun};
  } else {
    Result<UdevDevicePtr> h = find_scsi_object(u, object, ScsiObjectKind::kHost);
    if (!h) return h.error();
    if (auto n = parse_host_name(udev_device_get_sysname(h->get()))) return AddressPattern{*n, {}, {}, {}};
  }
  return Error{object + ": not a SCSI host, device or H:C:T:L pattern", ENODEV};
}

// A host's line: its driver, transport and the record of its last walk.
ShowHost describe_host(udev* u, udev_device* dev, const char* sysname) {
  ShowHost sh;
  sh.name = sysname;
  UdevDevicePtr shost(udev_device_new_from_subsystem_sysname(u, "scsi_host", sysname));
  if (shost) sh.proc_name = text_attribute(shost.get(), "proc_name");
  if (std::string t = SysfsScsiHost(u, dev).transport(); !t.empty()) sh.transport = t;
  sh.host_class = property(dev, "SCSI_PROBE_HOST_CLASS");
  sh.scan = property(dev, "SCSI_PROBE_REASON");
  return sh;
}

// A target's line: its transport's name and the record of its last LUN scan.
void describe_target(udev* u, udev_device* dev, const ScsiTarget& tn, ShowTarget& t) {
  t.name = format_scsi_target(tn);
  t.scan = property(dev, "SCSI_PROBE_REASON");
  TargetIdentity id = target_identity(u, tn);
  if (id.transport != Transport::kNone && !id.address.empty()) {
    t.port_transport = std::string(transport_keyword(id.transport));
    t.port_address = std::string(trim_end(id.address, "\n "));
  }
}

// The hosts, targets and devices of the scsi bus that `only` matches.
std::vector<ShowHost> read_show_tree(udev* u, const AddressPattern& only) {
  std::map<unsigned, ShowHost> hosts;
  std::map<ScsiTarget, ShowTarget> targets;
  UdevEnumeratePtr e(udev_enumerate_new(u));
  udev_enumerate_add_match_subsystem(e.get(), "scsi");
  udev_enumerate_scan_devices(e.get());
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    UdevDevicePtr dev(udev_device_new_from_syspath(u, udev_list_entry_get_name(entry)));
    if (!dev) continue;
    const char* sysname = udev_device_get_sysname(dev.get());
    if (auto h = parse_host_name(sysname)) {
      if (only.matches_host(*h)) hosts[*h] = describe_host(u, dev.get(), sysname);
    } else if (auto tn = parse_target_name(sysname)) {
      if (only.matches_target(*tn)) describe_target(u, dev.get(), *tn, targets[*tn]);
    } else if (auto a = parse_scsi_address(sysname)) {
      if (!only.matches(*a)) continue;
      ShowTarget& t = targets[target_of(*a)];
      t.name = format_scsi_target(target_of(*a));
      t.devices.push_back(describe(u, dev.get(), *a));
    }
  }
  return assemble_show_tree(std::move(hosts), std::move(targets), only);
}

}  // namespace

int run_show(const Invocation& inv, const OutputFormat& format, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  const Result<AddressPattern> only = selection(u.get(), inv.object);
  if (!only) {
    diag(err, "show") << only.error().message << "\n";
    return kExitNoDevice;
  }
  const std::vector<ShowHost> list = read_show_tree(u.get(), *only);
  if (list.empty() && !inv.object.empty()) {
    diag(err, "show") << "nothing matches " << inv.object << "\n";
    return kExitNoDevice;
  }
  if (format.json) out << format_json_text(show_json(list), format.pretty);
  else out << format_columns(list, inv.verbose);
  return kExitOk;
}

}  // namespace scsi_probe
