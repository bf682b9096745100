#include "host_class.h"

#include <algorithm>
#include <array>

#include "quirks.h"

namespace scsi_probe {

namespace {

// USB mass storage interface protocols (bInterfaceProtocol).
constexpr unsigned kUsbProtocolUas = 0x62;

// Every host template of Linux 6.1 that sets .scan_start, by proc_name, or
// by driver name where the template has no proc_name (aic94xx, mvsas,
// qla2xxx).
constexpr std::array<std::string_view, 14> kScanStartDrivers = {
    "aic94xx",        "hisi_sas_v1_hw", "hisi_sas_v2_hw", "hisi_sas_v3_hw", "hpsa",
    "isci",           "mpi3mr",         "mpt2sas",        "mpt3sas",        "mvsas",
    "pm80xx",         "qla2xxx",        "smartpqi",       "pm8001",
};

}  // namespace

std::string_view host_class_name(HostClass c) {
  switch (c) {
    case HostClass::kParallel: return "parallel";
    case HostClass::kLibata: return "libata";
    case HostClass::kUsbBot: return "usb-storage";
    case HostClass::kUsbUas: return "uas";
    case HostClass::kVirtioScsi: return "virtio-scsi";
    case HostClass::kStorvsc: return "storvsc";
    case HostClass::kScanStart: return "scan_start";
    case HostClass::kScanStartRescan: return "scan_start+rescan";
    case HostClass::kFc: return "fc";
    case HostClass::kSas: return "sas";
    case HostClass::kIscsi: return "iscsi";
    case HostClass::kSrp: return "srp";
  }
  return "?";
}

bool driver_has_scan_start(std::string_view name) {
  return std::find(kScanStartDrivers.begin(), kScanStartDrivers.end(), name) !=
         kScanStartDrivers.end();
}

HostClass classify_host(const HostFacts& f) {
  // libata hangs its hosts from the ATA port device ataN (ata_tport_add);
  // the port's own driver name (ahci, ata_piix, ...) is the proc_name.
  if (f.parent_devtype == "ata_port") return HostClass::kLibata;
  if (f.parent_subsystem == "usb") {
    if (f.parent_driver == "uas" || f.proc_name == "uas" ||
        f.usb_interface_protocol == kUsbProtocolUas)
      return HostClass::kUsbUas;
    return HostClass::kUsbBot;
  }
  if (f.proc_name == "usb-storage") return HostClass::kUsbBot;
  if (f.proc_name == "uas") return HostClass::kUsbUas;
  if (driver_has_scan_start(f.proc_name) ||
      (f.parent_subsystem == "pci" && driver_has_scan_start(f.parent_driver)))
    return f.driver_rescan_attribute ? HostClass::kScanStartRescan : HostClass::kScanStart;
  if (f.transport == "fc") return HostClass::kFc;
  if (f.transport == "sas") return HostClass::kSas;
  if (f.transport == "iscsi") return HostClass::kIscsi;
  if (f.transport == "srp" || f.proc_name == "ib_srp") return HostClass::kSrp;
  if (f.parent_subsystem == "vmbus" || f.proc_name == "storvsc") return HostClass::kStorvsc;
  if (f.parent_subsystem == "virtio" || f.proc_name == "virtio_scsi") return HostClass::kVirtioScsi;
  return HostClass::kParallel;
}

bool late_luns_possible(const std::vector<ScsiAddress>& created) {
  return std::none_of(created.begin(), created.end(), [](const ScsiAddress& a) { return a.lun > 0; });
}

UsbScanWork usb_scan_work(const std::optional<std::string>& runtime_usage,
                          const std::optional<std::string>& runtime_status, bool seen_pending) {
  if (!runtime_usage) return UsbScanWork::kUnknown;
  const auto count = parse_kernel_ull(*runtime_usage);
  if (!count) return UsbScanWork::kUnknown;
  if (*count > 0) return UsbScanWork::kPending;
  if (seen_pending || runtime_status == "suspended") return UsbScanWork::kDone;
  return UsbScanWork::kUnknown;
}

bool transport_names_targets(std::string_view transport) {
  return transport == "fc" || transport == "sas" || transport == "iscsi";
}

HostStrategy host_strategy(HostClass c, std::string_view transport, ScanTrigger trigger,
                           unsigned usb_delay_use, bool kernel_reports_scans) {
  const bool add = trigger == ScanTrigger::kTargetAdded;
  HostStrategy s;
  switch (c) {
    case HostClass::kLibata:
      s.action = HostAction::kNoScanWrites;
      s.reason =
          "libata host: libata adds its devices itself (__scsi_add_device, whatever the scan "
          "mode); a scan write would run ata_scsi_user_scan, i.e. error handling with a link reset";
      return s;
    case HostClass::kUsbBot:
      if (add && kernel_reports_scans) {
        // Its deferred scan comes as a request once GET MAX LUN has
        // answered: no wait to guess, no second scan to check it.
        s.action = HostAction::kNoScanWrites;
        s.reason =
            "usb-storage host: its deferred scsi_scan_host() (after delay_use and GET MAX LUN) "
            "reaches user space on this kernel as a SCSI_SCAN_REQUEST change event, answered then";
        return s;
      }
      s.action = HostAction::kKernelHostScan;
      if (add) {
        // usb-storage asks GET MAX LUN delay_use seconds after adding the
        // host; before that every LUN but 0 answers DID_BAD_TARGET. The run
        // scans once the work is seen over (usb_scan_work); where that
        // cannot be seen, after one more second for the work item to run,
        // and a second scan as a check.
        s.wait_seconds = std::min(usb_delay_use, kMaxDriverWaitSeconds - 1) + 1;
        s.verify_after_seconds = 2;
      }
      s.reason =
          "usb-storage host: the kernel's scan of the host, as usb-storage's deferred "
          "scsi_scan_host() would run it outside manual (after delay_use and GET MAX LUN; "
          "honours the device's flags)";
      return s;
    case HostClass::kUsbUas:
      s.action = HostAction::kKernelHostScan;
      s.reason =
          "uas host: the kernel's scan of the host, as uas_probe's scsi_scan_host() would run "
          "it outside manual (honours US_FL_NO_REPORT_LUNS)";
      return s;
    case HostClass::kSrp:
      s.action = HostAction::kKernelHostScan;
      s.reason =
          "srp host: one host per target login; the kernel's scan of the host, as "
          "srp_add_target's scsi_scan_target() would run it outside manual";
      return s;
    case HostClass::kScanStartRescan:
      // Its own `rescan` attribute runs scan_start(), which adds the
      // devices the driver finds with scsi_add_device (manual or not).
      s.action = HostAction::kDriverRescan;
      s.reason =
          "driver discovers in scan_start(), which scan=manual skips; its host attribute "
          "`rescan` runs it";
      return s;
    case HostClass::kFc:
    case HostClass::kSas:
    case HostClass::kIscsi:
      s.action = HostAction::kTransportPorts;
      s.reason = std::string(host_class_name(c)) + " transport: targets come from its remote-port events";
      return s;
    case HostClass::kScanStart:
      // What user space can still do: the transport's events, or the walk.
      s.action = transport_names_targets(transport) ? HostAction::kTransportPorts : HostAction::kWalk;
      s.reason =
          "driver discovers in scan_start(), which scan=manual never calls on this kernel: "
          "boot it with scsi_mod.scan=async";
      return s;
    case HostClass::kParallel:
    case HostClass::kVirtioScsi:
    case HostClass::kStorvsc:
      s.action = HostAction::kWalk;
      s.reason = std::string(host_class_name(c)) + " host: walk of channels and target IDs";
      return s;
  }
  return s;
}

std::vector<ManualLoss> manual_losses(HostClass c, std::string_view proc_name, bool kernel_reports_scans) {
  std::vector<ManualLoss> l;
  if (kernel_reports_scans && c != HostClass::kScanStart) return l;
  switch (c) {
    case HostClass::kScanStart:
      l.push_back({LossSeverity::kBoot,
                   std::string(proc_name) +
                       " starts discovery in scan_start(), which scsi_scan_host() skips under "
                       "manual: its devices never appear; boot with scsi_mod.scan=async"});
      break;
    case HostClass::kVirtioScsi:
      l.push_back({LossSeverity::kHotPlug,
                   "a disk hot-added as LUN 0 of a new target never appears: virtio_scsi answers "
                   "with scsi_scan_target(SCSI_SCAN_INITIAL), which manual suppresses, and no "
                   "uevent is raised; rescan with `udevadm trigger --action=change` on the host "
                   "(other LUNs use scsi_add_device and appear)"});
      break;
    case HostClass::kStorvsc:
      l.push_back({LossSeverity::kHotPlug,
                   "hot-added disks never appear: storvsc_host_scan calls scsi_scan_host(), a "
                   "no-op under manual, and no uevent is raised; rescan with `udevadm trigger "
                   "--action=change` on the host"});
      break;
    case HostClass::kFc:
      l.push_back({LossSeverity::kHotPlug,
                   "remote ports returning after dev_loss_tmo or changing roles raise no uevent "
                   "and their targets are not scanned; rescan with `udevadm trigger "
                   "--action=change` on the host"});
      break;
    case HostClass::kParallel:
    case HostClass::kScanStartRescan:
    case HostClass::kLibata:
    case HostClass::kUsbBot:
    case HostClass::kUsbUas:
    case HostClass::kSas:
    case HostClass::kIscsi:
    case HostClass::kSrp:
      break;
  }
  return l;
}

TargetRunDecision target_run(HostClass c, ScanTrigger trigger) {
  TargetRunDecision d;
  switch (c) {
    case HostClass::kLibata:
      d.helper_lun_scan = false;
      d.reason = "libata host: no scan writes (each one costs a link reset); libata adds its LUNs";
      return d;
    case HostClass::kUsbBot:
    case HostClass::kUsbUas:
    case HostClass::kSrp:
      d.helper_lun_scan = false;
      if (trigger == ScanTrigger::kTargetAdded) {
        d.reason = std::string(host_class_name(c)) +
                   " host: the kernel's scan of the host covered this target's LUNs";
      } else {
        d.kernel_target_scan = true;
        d.reason = std::string(host_class_name(c)) +
                   " host: the kernel's scan of the target (honours the driver's LUN limits "
                   "and no_report_luns)";
      }
      return d;
    default:
      return d;
  }
}

}  // namespace scsi_probe
