// What kind of SCSI host this is, from sysfs facts alone, and what
// scsi-probe does for each kind: not every host tolerates the walk of
// `scan` writes that finds the targets of a parallel SCSI bus, and some
// drivers discover their devices in ways scsi_mod.scan=manual silences.
// Facts of Linux 6.1 (drivers/ata, drivers/usb/storage, drivers/scsi).
// Pure: the facts come in as a plain struct.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scan_plan.h"
#include "scsi_address.h"

namespace scsi_probe {

// What sysfs says of one scsi_host and the device it hangs from.
struct HostFacts {
  std::string proc_name;         // scsi_host `proc_name`
  std::string transport;         // "fc", "sas", "iscsi", "srp", "spi", ... or empty
  std::string parent_subsystem;  // the parent device's bus: "usb", "virtio", "vmbus", "pci", ...
  std::string parent_devtype;    // "usb_interface", ...; "ata_port" for libata's ataN (no DEVTYPE: its class device ata_port)
  std::string parent_driver;     // the parent's bound driver: "usb-storage", "uas", ...
  std::optional<unsigned> usb_interface_protocol;  // bInterfaceProtocol of a USB interface
  // The scsi_host has a driver attribute `rescan` (hpsa, smartpqi: it runs
  // the driver's scan_start()).
  bool driver_rescan_attribute = false;
};

enum class HostClass {
  kParallel,    // no transport that names targets: the walk of IDs
  kLibata,      // an ATA port (AHCI, ata_piix, ...): libata adds its own devices
  kUsbBot,      // usb-storage, bulk-only (or CB/CBI): deferred scan after delay_use
  kUsbUas,      // uas: scanned at the end of probe
  kVirtioScsi,  // virtio_scsi: walk; hot plug through virtio events
  kStorvsc,     // Hyper-V storvsc: walk; hot plug through scsi_scan_host
  kScanStart,   // discovery starts in the driver's scan_start()
  kScanStartRescan,  // the same, with a host attribute `rescan` that runs it
  kFc,          // FC transport: remote-port events
  kSas,         // SAS transport: end-device events
  kIscsi,       // iSCSI transport: session events
  kSrp,         // SRP (ib_srp): one host per target login, scanned by the driver
};

std::string_view host_class_name(HostClass c);

// Drivers of Linux 6.1 whose scsi_host_template has a scan_start()
// (grep '\.scan_start' drivers/): do_scsi_scan_host() is its only caller
// besides the driver's own `rescan` attribute (hpsa, smartpqi), and
// scsi_scan_host() returns before it under scan=manual. `name` is the
// host's proc_name, or the driver of its PCI device for the templates
// without a proc_name (aic94xx, mvsas, qla2xxx: sysfs shows "(null)").
bool driver_has_scan_start(std::string_view name);

HostClass classify_host(const HostFacts& f);

// What the helper does with a host of that class.
enum class HostAction {
  kWalk,            // probe each channel and target ID with `scan` writes
  kTransportPorts,  // targets come from remote-port events; rescans probe known ports
  kNoScanWrites,    // never write `scan`: the driver adds its devices itself
  kKernelHostScan,  // "- - -": the kernel's own scan of the host, the one the
                    // driver would have started itself outside manual
  kDriverRescan,    // write the host's `rescan` attribute: the driver's scan_start()
};

// How bad a loss under scan=manual is.
enum class LossSeverity {
  kHotPlug,  // devices added while running stay missing until a rescan
  kBoot,     // devices present at boot never appear
};

struct ManualLoss {
  LossSeverity severity;
  std::string what;
};

struct HostStrategy {
  HostAction action = HostAction::kWalk;
  // kKernelHostScan on the host's add event: wait at most this long first
  // (usb-storage asks GET MAX LUN only delay_use seconds after adding the
  // host); the wait ends as soon as its scan work is seen over
  // (usb_scan_work).
  unsigned wait_seconds = 0;
  // kKernelHostScan: scan again after this many seconds to catch LUNs a
  // driver made reachable late (GET MAX LUN on a loaded machine); 0: no.
  unsigned verify_after_seconds = 0;
  std::string reason;
};

// usb-storage's delay_use (seconds, /sys/module/usb_storage/parameters/delay_use).
inline constexpr unsigned kUsbStorageDefaultDelayUse = 1;
// The longest wait of a host run for it (udev kills a worker at 180 s; the
// run's other bounds: scsi-probe(8), BOUNDS).
inline constexpr unsigned kMaxDriverWaitSeconds = 60;

// `transport`: the host's transport class (HostFacts::transport);
// `kernel_reports_scans`: this boot's scsi_mod raises SCSI_SCAN_REQUEST for
// the scans manual suppresses (scan_request.h).
HostStrategy host_strategy(HostClass c, std::string_view transport, ScanTrigger trigger,
                           unsigned usb_delay_use, bool kernel_reports_scans = false);

// After the kernel's scan of a usb-storage host at its add event: whether
// the check scan (HostStrategy::verify_after_seconds) can find more. A LUN
// above 0 answers only once GET MAX LUN has run (usb-storage fails it with
// DID_BAD_TARGET before), so a scan that created one came after GET MAX LUN
// and saw every LUN; only LUN 0 alone leaves the question open.
bool late_luns_possible(const std::vector<ScsiAddress>& created);

// Where usb-storage's deferred scan work is, from its interface's runtime
// PM attributes (power/runtime_usage, a kernel with
// CONFIG_PM_ADVANCED_DEBUG as Debian's; power/runtime_status; nullopt when
// unreadable). usb_stor_probe2() takes a reference on the interface right
// after adding the host, and usb_stor_scan_dwork() drops it once GET MAX LUN
// has answered; with no reference left the interface suspends. kDone: the
// count is 0 after it was seen above 0 (`seen_pending`), or 0 with the
// interface suspended (the work ran before the first look); kPending: above
// 0; kUnknown: anything else (no attribute; 0 with the interface active and
// nothing seen yet, which is also the instant between the host's add and
// the reference).
enum class UsbScanWork { kPending, kDone, kUnknown };
UsbScanWork usb_scan_work(const std::optional<std::string>& runtime_usage,
                          const std::optional<std::string>& runtime_status, bool seen_pending);

// Whether the transport's own events name the targets (FC remote ports, SAS
// end devices, iSCSI sessions): then the walk of IDs is not the way.
bool transport_names_targets(std::string_view transport);

// What scan=manual loses for a host of this class on a 6.1 kernel, even with
// scsi-probe installed. Empty: nothing. `kernel_reports_scans`: this kernel
// raises SCSI_SCAN_REQUEST for the scans manual suppresses (kernel/patches,
// scan_request.h), so the hot-plug scans of virtio-scsi, storvsc and FC are
// not lost.
std::vector<ManualLoss> manual_losses(HostClass c, std::string_view proc_name, bool kernel_reports_scans);

// Target runs (scsi_target add/change) on a host of this class: whether the
// helper's own LUN scan may run; else `reason` says why not and
// `kernel_target_scan` whether a change still gets the kernel's own scan of
// the target ("C T -", which honours the driver's no_report_luns).
struct TargetRunDecision {
  bool helper_lun_scan = true;
  bool kernel_target_scan = false;
  std::string reason;
};
TargetRunDecision target_run(HostClass c, ScanTrigger trigger);

}  // namespace scsi_probe
