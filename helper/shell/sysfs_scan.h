// The kernel's scanning interface in sysfs, and nothing else: a host's `scan`
// attribute, a device's `delete`, the presence of scsi_devices, synthetic
// uevents. Every call is one documented ABI operation (scsi-probe(8) lists
// them); the decisions that drive these calls live in scan_plan.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "remote_port.h"
#include "scan_plan.h"
#include "scsi_address.h"
#include "scsi_host.h"
#include "sysfs.h"

namespace scsi_probe {

// The scsi_host in sysfs (scsi_host.h): writes go to its `scan` attribute,
// deletes to its devices' `delete`; every device the writes create and every
// delete is logged (system_log.h).
class SysfsScsiHost : public ScsiHost {
 public:
  // `host` is the scsi_host device (devtype scsi_host).
  SysfsScsiHost(udev* u, udev_device* host);

  unsigned number() const override { return host_; }
  int scan_lun(const ScsiAddress& a) override;
  int kernel_scan_target(const ScsiTarget& t) override;
  int kernel_scan_host() override;
  int delete_device(const ScsiAddress& a, std::string_view reason) override;
  bool present() const override;
  std::vector<ScsiAddress> devices() const override;
  bool device_exists(const ScsiAddress& a) const override;
  // No listing of every device where the target is not in sysfs (an ID the
  // walk finds empty).
  std::vector<uint64_t> target_luns(const ScsiTarget& t) const override;

  // The scsi_host device in sysfs.
  udev_device* device() const { return host_dev_; }
  int scan_writes() const { return writes_; }
  // The scsi_devices the writes created, in order.
  const std::vector<ScsiAddress>& created() const { return created_; }
  // Called with each device as the write that created it returns.
  void on_created(std::function<void(const ScsiAddress&)> f) { on_created_ = std::move(f); }
  // Targets whose LUNs a kernel scan (of the target or of the whole host)
  // created, with which scan it was, in order: those that had no LUNs
  // before it, and, for the scan of the host, those with LUNs of this run's
  // own writes only (the kernel scanned them whole too).
  const std::vector<std::pair<ScsiTarget, std::string>>& kernel_scanned_targets() const {
    return kernel_scanned_targets_;
  }

  // The host driver's name (scsi_host `proc_name`).
  std::string proc_name() const;
  // The transport class of the host ("fc", "sas", "iscsi", "spi", ...), or
  // empty when it has none.
  std::string transport() const;

 private:
  udev* udev_;
  udev_device* host_dev_;
  unsigned host_ = 0;
  // The scsi_host's `scan` and `state`, open from their first use.
  std::unique_ptr<OpenAttribute> scan_;
  mutable std::unique_ptr<OpenAttribute> state_;
  int writes_ = 0;
  std::vector<ScsiAddress> created_;
  std::function<void(const ScsiAddress&)> on_created_;
  std::vector<std::pair<ScsiTarget, std::string>> kernel_scanned_targets_;

  int write_scan(const std::string& value);
  void created(const ScsiAddress& a, std::string why);
};

// The remote port (fc_remote_ports, sas_end_device or iscsi_session class
// device) named by a syspath or devpath, or null when `arg` is not one.
UdevDevicePtr find_remote_port(udev* u, std::string_view arg);
// What sysfs says of a remote port (the SAS target ID is on its sas_device
// twin).
RemotePortFacts read_remote_port(udev_device* port);
// The remote ports of one host, in sysfs order.
std::vector<UdevDevicePtr> host_remote_ports(udev* u, udev_device* host);

// scsi_mod.scan as the kernel has it now; async (its default) when it
// cannot be read.
ScanMode read_scan_mode();

// The scsi_device at H:C:T:L, the scsi_target H:C:T, if it exists.
UdevDevicePtr scsi_device_at(udev* u, const ScsiAddress& a);
UdevDevicePtr scsi_target_at(udev* u, const ScsiTarget& t);

// The SCSI bus in sysfs: its uevent, drivers_autoprobe and drivers/.
inline constexpr std::string_view kScsiBus = "/sys/bus/scsi";
// Whether the kernel binds upper-level drivers itself (drivers_autoprobe.h).
extern const std::string kDriversAutoprobe;

// /sys/bus/scsi/devices/H:C:T:L, for reads that need no libudev object.
std::string scsi_device_path(const ScsiAddress& a);

// Sends a synthetic change uevent to `dev` carrying KEY=VALUE arguments
// (kernel 4.13+: "change <uuid> KEY=VALUE ..."). The kernel takes letters
// and digits only in keys and values; anything else gives EINVAL, as does
// the kernel. `uevent`: the attribute, a path where `dev` is null (a bus's,
// which libudev has no device for). Returns 0 or errno.
int send_synthetic_change(udev_device* dev,
                          const std::vector<std::pair<std::string, std::string>>& arguments,
                          std::string_view uevent = "uevent");

// The kernel passes a synthetic uevent's KEY=VALUE on as SYNTH_ARG_KEY=VALUE:
// the property's name, and its value in the event being handled (null when
// absent).
std::string synthetic_key(std::string_view key);
const char* synthetic_argument(std::string_view key);
// The runs cut in a row before this one (kSynthCuts), at most
// kMaxCutsInARow; 0 when the event does not say.
unsigned cuts_from_event();

// A run's watchdog cut it (deadline_watchdog.h): its continuation event on
// `dev`, with `arguments` and `cuts` (kSynthCuts, when not 0), logged as
// `name`'s "continue": the cut (describe_cut), then `goes_on` ("the scan goes
// on from list entry 5") and the runs cut in a row before `progress` ("a
// LUN"), or why the event could not be sent. Returns 0 or errno; `note`:
// what was logged.
struct CutContinuation {
  std::string name;
  std::optional<std::chrono::seconds> timeout;
  std::string goes_on;
  std::string_view progress;
};
int send_cut_continuation(udev_device* dev, std::vector<std::pair<std::string, std::string>> arguments,
                          unsigned cuts, const CutContinuation& c, std::string& note);

// The arguments scsi-probe's own continuation events carry.
inline constexpr const char* kSynthContinue = "SCSIPROBECONTINUE";  // target: LUN list cursor
inline constexpr const char* kSynthCuts = "SCSIPROBECUTS";          // target, host: runs cut in a row
inline constexpr const char* kSynthAction = "SCSIPROBEACTION";      // host: the walk's action
inline constexpr const char* kSynthChannel = "SCSIPROBECHANNEL";    // host: next channel
inline constexpr const char* kSynthId = "SCSIPROBEID";              // host: next target ID
inline constexpr const char* kSynthLoginWait = "SCSIPROBELOGINWAIT"; // iSCSI session: runs so far
inline constexpr const char* kSynthModuleType = "SCSIPROBETYPE";    // the bus: load this type's module

}  // namespace scsi_probe
