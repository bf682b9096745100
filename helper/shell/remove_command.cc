// `scsi-probe remove DEVICE [--force]`: deletes one scsi_device, as writing
// 1 to its `delete` attribute does, but only after the checks the helper
// itself makes before any removal (device_use.h): a device that is mounted,
// swapped on, held by dm/md/multipath or open is kept unless --force says
// otherwise. Every removal, and every refusal, is logged.
#include <cstring>
#include <ostream>

#include "commands.h"
#include "device_use_facts.h"
#include "diagnostics.h"
#include "sysfs_scan.h"
#include "system_log.h"

namespace scsi_probe {

int run_remove(const Invocation& inv, bool force, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  Result<UdevDevicePtr> dev = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kDevice);
  if (!dev) {
    diag(err, "remove") << dev.error().message << "\n";
    return kExitNoDevice;
  }
  const auto a = parse_scsi_address(udev_device_get_sysname(dev->get()));
  if (!a) {
    diag(err, "remove", inv.object) << "not a scsi_device\n";
    return kExitNoDevice;
  }
  Result<UdevDevicePtr> host = find_scsi_object(u.get(), host_sysname(a->host), ScsiObjectKind::kHost);
  if (!host) {
    diag(err, "remove", inv.object) << host.error().message << "\n";
    return kExitNoDevice;
  }
  const std::string name = format_scsi_address(*a);
  const UseVerdict use = device_use(u.get(), dev->get());
  if (use.in_use && !force) {
    out << name << ": kept, " << use.reason << " (--force removes it anyway)\n";
    log_change({LogPriority::kNotice, name, "keep", "scsi-probe remove: " + use.reason});
    return kExitInUse;
  }
  std::string why = "scsi-probe remove";
  if (use.in_use) why += " --force, although " + use.reason;
  SysfsScsiHost hs(u.get(), host->get());
  if (int rc = hs.delete_device(*a, why)) {
    diag(err, "remove", name) << "delete: " << std::strerror(rc) << "\n";
    return kExitInternal;
  }
  out << name << ": removed" << (use.in_use ? " (forced: " + use.reason + ")" : "") << "\n";
  return kExitOk;
}

}  // namespace scsi_probe
