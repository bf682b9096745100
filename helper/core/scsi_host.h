// The kernel's SCSI host as user space sees it: its `scan` attribute, the
// `delete` attribute of its devices, its state, and the scsi_devices it has.
// The host walk and the target scan decide through this interface only, so
// that a simulated host (fake_scsi_host.h) drives them in unit tests as the
// sysfs one (sysfs_scan.h) does on a machine; the kernel's scsi_scan.c
// talks to its host template much the same way.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "scsi_address.h"

namespace scsi_probe {

class ScsiHost {
 public:
  virtual ~ScsiHost() = default;

  virtual unsigned number() const = 0;

  // The `scan` attribute. Each returns 0 or the errno of the write (EINVAL:
  // past the host's limits; ENOENT, ENODEV, ENXIO: the host is gone). The
  // write is synchronous: when it returns, the kernel's probe is over and
  // devices() shows what it created.
  // "C T L": the kernel probes that one LUN. ERANGE, writing nothing, for a
  // LUN the attribute cannot carry (scan_attribute_value).
  virtual int scan_lun(const ScsiAddress& a) = 0;
  // "C T -": the kernel's own scan of one target (__scsi_scan_target).
  virtual int kernel_scan_target(const ScsiTarget& t) = 0;
  // "- - -": the kernel's own scan of the whole host, the one
  // scsi_scan_host() runs outside manual.
  virtual int kernel_scan_host() = 0;

  // Writes 1 to the device's `delete` attribute; logs it with `reason`.
  // Returns 0 or errno.
  virtual int delete_device(const ScsiAddress& a, std::string_view reason) = 0;

  // False once the host is being removed: its `scan` writes then succeed
  // and do nothing.
  virtual bool present() const = 0;

  // Every scsi_device of this host, ascending.
  virtual std::vector<ScsiAddress> devices() const = 0;

  // Derived from devices(); an implementation may answer faster.
  virtual bool device_exists(const ScsiAddress& a) const;
  // The LUNs of one target, ascending; the same.
  virtual std::vector<uint64_t> target_luns(const ScsiTarget& t) const;
  // Every target with at least one LUN, ascending.
  std::vector<ScsiTarget> targets() const;
};

}  // namespace scsi_probe
