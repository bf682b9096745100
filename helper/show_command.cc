// `scsi-probe show [OBJECT] [--json]`: the hosts, targets and LUNs the kernel
// has, with what scsi-probe found and decided (read back from the udev
// database, where udev stored the helper's properties).
#include <algorithm>
#include <cstdlib>
#include <map>
#include <ostream>

#include "commands.h"
#include "scsi_address.h"
#include "show_tree.h"
#include "sysfs.h"
#include "device_gather.h"
#include "sysfs_scan.h"

namespace scsi_probe {

namespace {

std::string trimmed_attribute(udev_device* d, const char* name) {
  std::string s = read_text_attribute(d, name).value_or("");
  auto b = s.find_first_not_of(' ');
  auto e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

ShowDevice describe(udev* u, udev_device* dev, const ScsiAddress& a) {
  ShowDevice d;
  d.address = format_scsi_address(a);
  d.type = std::atoi(read_text_attribute(dev, "type").value_or("-1").c_str());
  d.vendor = trimmed_attribute(dev, "vendor");
  d.model = trimmed_attribute(dev, "model");
  d.revision = trimmed_attribute(dev, "rev");
  if (const char* drv = udev_device_get_driver(dev)) d.driver = drv;
  d.handler = read_text_attribute(dev, "dh_state").value_or("");
  if (d.handler == "detached") d.handler.clear();
  d.nodes = device_nodes(u, dev);
  d.serial = udev_property(dev, "ID_SERIAL");
  d.wwn = udev_property(dev, "ID_WWN_WITH_EXTENSION");
  d.quirks = udev_property(dev, "SCSI_PROBE_QUIRKS");
  d.attach = udev_property(dev, "SCSI_PROBE_ATTACH");
  d.reason = udev_property(dev, "SCSI_PROBE_REASON");
  d.kept = udev_property(dev, "SCSI_PROBE_KEPT");
  return d;
}

}  // namespace

int run_show(const Invocation& inv, bool json, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  // An object narrows the listing to its host (a host) or to one device.
  std::optional<unsigned> only_host;
  std::optional<ScsiAddress> only_device;
  if (!inv.object.empty()) {
    std::string error;
    if (UdevDevicePtr d = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kDevice, error)) {
      only_device = parse_scsi_address(udev_device_get_sysname(d.get()));
    } else if (UdevDevicePtr h = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kHost, error)) {
      only_host = parse_host_name(udev_device_get_sysname(h.get()));
    } else {
      err << "scsi-probe show: " << error << "\n";
      return kExitNoDevice;
    }
  }

  std::map<unsigned, ShowHost> hosts;
  std::map<std::pair<unsigned, std::string>, ShowTarget> targets;
  UdevEnumeratePtr e(udev_enumerate_new(u.get()));
  udev_enumerate_add_match_subsystem(e.get(), "scsi");
  udev_enumerate_scan_devices(e.get());
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    UdevDevicePtr dev(udev_device_new_from_syspath(u.get(), udev_list_entry_get_name(entry)));
    if (!dev) continue;
    const char* sysname = udev_device_get_sysname(dev.get());
    if (auto h = parse_host_name(sysname)) {
      if (only_host && *h != *only_host) continue;
      if (only_device && *h != only_device->host) continue;
      ShowHost& sh = hosts[*h];
      sh.name = sysname;
      UdevDevicePtr shost(udev_device_new_from_subsystem_sysname(u.get(), "scsi_host", sysname));
      if (shost) sh.proc_name = read_text_attribute(shost.get(), "proc_name").value_or("");
      sh.transport = SysfsScsiHost(u.get(), dev.get()).transport();
      sh.scan = udev_property(dev.get(), "SCSI_PROBE_REASON");
    } else if (auto tn = parse_target_name(sysname)) {
      if (only_host && tn->host != *only_host) continue;
      if (only_device && *tn != target_of(*only_device)) continue;
      std::string tname = format_scsi_target(*tn);
      ShowTarget& t = targets[{tn->host, tname}];
      t.name = tname;
      t.scan = udev_property(dev.get(), "SCSI_PROBE_REASON");
    } else if (auto a = parse_scsi_address(sysname)) {
      if (only_host && a->host != *only_host) continue;
      if (only_device && *a != *only_device) continue;
      std::string tname = format_scsi_target(target_of(*a));
      ShowTarget& t = targets[{a->host, tname}];
      t.name = tname;
      t.devices.push_back(describe(u.get(), dev.get(), *a));
    }
  }
  for (auto& [key, t] : targets) {
    std::sort(t.devices.begin(), t.devices.end(), [](const ShowDevice& x, const ShowDevice& y) {
      return parse_scsi_address(x.address) < parse_scsi_address(y.address);
    });
    hosts[key.first].targets.push_back(std::move(t));
  }
  std::vector<ShowHost> list;
  for (auto& [n, h] : hosts) list.push_back(std::move(h));
  out << (json ? format_json(list) : format_tree(list));
  return kExitOk;
}

}  // namespace scsi_probe
