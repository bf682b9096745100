// The kernel's scanning interface in sysfs, and nothing else: a host's `scan`
// attribute, a device's `delete`, the presence of scsi_devices, synthetic
// uevents. Every call is one documented ABI operation (scsi-probe(8) lists
// them); the decisions that drive these calls live in scan_plan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "remote_port.h"
#include "scsi_address.h"
#include "sysfs.h"

namespace scsi_probe {

class HostScan {
 public:
  // `host` is the scsi_host device (devtype scsi_host).
  HostScan(udev* u, udev_device* host);

  unsigned host_number() const { return host_; }
  udev_device* host() const { return host_dev_; }

  // Writes "C T L" (scan_attribute_value) to the host's `scan` attribute:
  // the kernel probes that one LUN. Returns 0 or the errno of the write
  // (EINVAL: past the host's limits), or ERANGE, writing nothing, for a LUN
  // the attribute cannot carry. The write is synchronous: when it returns,
  // the kernel's probe is over and sysfs shows what it created.
  int scan_lun(unsigned channel, unsigned target, uint64_t lun);
  // Writes "C T -": the kernel's own scan of the target. As scan_lun.
  int scan_target(unsigned channel, unsigned target);
  int scan_writes() const { return writes_; }
  // The scsi_devices the writes created, in order; each one is logged.
  const std::vector<ScsiAddress>& created() const { return created_; }

  bool device_exists(unsigned channel, unsigned target, uint64_t lun) const;
  // False once the host is removed. While its removal runs, `scan` writes
  // still succeed and do nothing (the kernel refuses to scan a host being
  // deleted without an error).
  bool present() const;
  // The Linux LUNs of one target that exist in sysfs, ascending.
  std::vector<uint64_t> target_luns(unsigned channel, unsigned target) const;
  // Every target (channel, id) of this host that has at least one LUN.
  std::vector<std::pair<unsigned, unsigned>> targets() const;

  // Writes 1 to the device's `delete` attribute, and logs it with `reason`
  // (system_log.h). Returns 0 or errno.
  int delete_device(unsigned channel, unsigned target, uint64_t lun, std::string_view reason);

  // The host driver's name (scsi_host `proc_name`).
  std::string proc_name() const;

  // The transport class of the host ("fc", "sas", "iscsi", "spi", ...), or
  // empty when it has none.
  std::string transport() const;

 private:
  udev* udev_;
  udev_device* host_dev_;
  unsigned host_ = 0;
  int writes_ = 0;
  std::vector<ScsiAddress> created_;

  int write_scan(const std::string& value);
};

// The remote port (fc_remote_ports, sas_end_device or iscsi_session class
// device) named by a syspath or devpath, or null when `arg` is not one.
UdevDevicePtr find_remote_port(udev* u, std::string_view arg);
// What sysfs says of a remote port (the SAS target ID is on its sas_device
// twin).
RemotePortFacts read_remote_port(udev_device* port);
// The remote ports of one host, in sysfs order.
std::vector<UdevDevicePtr> host_remote_ports(udev* u, udev_device* host);

// The scsi_device at H:C:T:L, if it exists.
UdevDevicePtr scsi_device_at(udev* u, const ScsiAddress& a);

// Sends a synthetic change uevent to `dev` carrying KEY=VALUE arguments
// (kernel 4.13+: "change <uuid> KEY=VALUE ..."). The kernel takes letters
// and digits only in keys and values; anything else gives EINVAL, as does
// the kernel. Returns 0 or errno.
int send_synthetic_change(udev_device* dev,
                          const std::vector<std::pair<std::string, std::string>>& arguments);

// An argument of the synthetic uevent being handled: the kernel passes
// KEY=VALUE on as SYNTH_ARG_KEY=VALUE. Null when absent.
const char* synthetic_argument(const std::string& key);

// The arguments scsi-probe's own continuation events carry.
inline constexpr const char* kSynthContinue = "SCSIPROBECONTINUE";  // target: LUN list cursor
inline constexpr const char* kSynthAction = "SCSIPROBEACTION";      // host: the walk's action
inline constexpr const char* kSynthChannel = "SCSIPROBECHANNEL";    // host: next channel
inline constexpr const char* kSynthId = "SCSIPROBEID";              // host: next target ID

}  // namespace scsi_probe
