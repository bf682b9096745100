#include "sysfs_host.h"

#include <sys/stat.h>

#include <charconv>
#include <string>

#include "sysfs.h"
#include "sysfs_scan.h"

namespace scsi_probe {

namespace {

std::string text_of(const char* s) { return s ? s : ""; }

std::optional<unsigned> parse_unsigned(std::string_view text, int base) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, base);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return v;
}

}  // namespace

HostFacts read_host_facts(const SysfsScsiHost& hs) {
  HostFacts f;
  f.proc_name = hs.proc_name();
  f.transport = hs.transport();
  udev_device* host = hs.device();
  if (udev_device* parent = udev_device_get_parent(host)) {
    f.parent_subsystem = text_of(udev_device_get_subsystem(parent));
    f.parent_devtype = text_of(udev_device_get_devtype(parent));
    // libata's port device ataN has no DEVTYPE; its transport class device
    // (class ata_port) sits below it.
    struct stat st;
    if (f.parent_devtype.empty() &&
        stat((std::string(udev_device_get_syspath(parent)) + "/ata_port").c_str(), &st) == 0)
      f.parent_devtype = "ata_port";
    f.parent_driver = text_of(udev_device_get_driver(parent));
    if (f.parent_devtype == "usb_interface")
      if (auto p = read_text_attribute(parent, "bInterfaceProtocol"))
        f.usb_interface_protocol = parse_unsigned(*p, 16);
  }
  // Write-only (0200): its presence is the fact.
  struct stat st;
  const std::string rescan = std::string(udev_device_get_syspath(host)) + "/scsi_host/host" +
                             std::to_string(hs.number()) + "/rescan";
  f.driver_rescan_attribute = stat(rescan.c_str(), &st) == 0;
  return f;
}

unsigned usb_storage_delay_use() {
  if (auto v = read_module_parameter("usb_storage", "delay_use"))
    if (auto n = parse_unsigned(*v, 10)) return *n;
  return kUsbStorageDefaultDelayUse;
}

}  // namespace scsi_probe
