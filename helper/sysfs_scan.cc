#include "sysfs_scan.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "device_handoff.h"
#include "report_luns.h"
#include "scan_plan.h"
#include "system_log.h"

namespace scsi_probe {

namespace {

constexpr const char* kScsiDevices = "/sys/bus/scsi/devices/";

// The REPORT LUNS well-known LUN lives only while a target scan reads its
// list: its coming and going is logged below notice.
LogPriority priority_of(uint64_t lun) {
  return lun == kReportLunsWellKnownLun ? LogPriority::kInfo : LogPriority::kNotice;
}

}  // namespace

HostScan::HostScan(udev* u, udev_device* host) : udev_(u), host_dev_(host) {
  if (auto n = parse_host_name(udev_device_get_sysname(host))) host_ = *n;
}

int HostScan::write_scan(const std::string& value) {
  ++writes_;
  std::string path = std::string(udev_device_get_syspath(host_dev_)) + "/scsi_host/host" +
                     std::to_string(host_) + "/scan";
  return write_sysfs(nullptr, path, value);
}

int HostScan::scan_lun(unsigned channel, unsigned target, uint64_t lun) {
  auto value = scan_attribute_value(channel, target, lun);
  if (!value) return ERANGE;
  const bool existed = device_exists(channel, target, lun);
  int rc = write_scan(*value);
  if (rc == 0 && !existed && device_exists(channel, target, lun)) {
    created_.push_back({host_, channel, target, lun});
    log_change({priority_of(lun), format_scsi_address(created_.back()), "create",
                "scan write \"" + *value + "\" to host" + std::to_string(host_)});
  }
  return rc;
}

int HostScan::scan_target(unsigned channel, unsigned target) {
  const std::vector<uint64_t> before = target_luns(channel, target);
  const std::string value = scan_attribute_target_value(channel, target);
  int rc = write_scan(value);
  if (rc == 0)
    for (uint64_t l : target_luns(channel, target))
      if (!std::binary_search(before.begin(), before.end(), l)) {
        created_.push_back({host_, channel, target, l});
        log_change({LogPriority::kNotice, format_scsi_address(created_.back()), "create",
                    "the kernel's scan of the target, \"" + value + "\" to host" + std::to_string(host_)});
      }
  return rc;
}

bool HostScan::present() const {
  auto state = read_sysfs_text(std::string(udev_device_get_syspath(host_dev_)) + "/scsi_host/host" +
                               std::to_string(host_) + "/state");
  return state && !host_state_removed(*state);
}

bool HostScan::device_exists(unsigned channel, unsigned target, uint64_t lun) const {
  std::string path = std::string(kScsiDevices) +
                     format_scsi_address({host_, channel, target, lun});
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

std::vector<uint64_t> HostScan::target_luns(unsigned channel, unsigned target) const {
  std::vector<uint64_t> luns;
  DIR* d = opendir(kScsiDevices);
  if (!d) return luns;
  while (dirent* e = readdir(d)) {
    auto a = parse_scsi_address(e->d_name);
    if (a && a->host == host_ && a->channel == channel && a->target == target)
      luns.push_back(a->lun);
  }
  closedir(d);
  std::sort(luns.begin(), luns.end());
  return luns;
}

std::vector<std::pair<unsigned, unsigned>> HostScan::targets() const {
  std::vector<std::pair<unsigned, unsigned>> out;
  DIR* d = opendir(kScsiDevices);
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    auto a = parse_scsi_address(e->d_name);
    if (a && a->host == host_) out.emplace_back(a->channel, a->target);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

int HostScan::delete_device(unsigned channel, unsigned target, uint64_t lun, std::string_view reason) {
  const ScsiAddress a{host_, channel, target, lun};
  // Its handoff file goes first: the remove event then has nothing to drop.
  unlink(handoff_path(a).c_str());
  int rc = write_sysfs(nullptr, std::string(kScsiDevices) + format_scsi_address(a) + "/delete", "1");
  if (rc == 0) log_change({priority_of(lun), format_scsi_address(a), "remove", std::string(reason)});
  return rc;
}

std::string HostScan::proc_name() const {
  UdevDevicePtr shost(udev_device_new_from_subsystem_sysname(
      udev_, "scsi_host", ("host" + std::to_string(host_)).c_str()));
  return shost ? read_text_attribute(shost.get(), "proc_name").value_or("") : "";
}

std::string HostScan::transport() const {
  std::string base = std::string(udev_device_get_syspath(host_dev_)) + "/";
  std::string name = "host" + std::to_string(host_);
  for (const char* t : {"fc", "sas", "iscsi", "spi", "srp"}) {
    struct stat st;
    if (stat((base + t + "_host/" + name).c_str(), &st) == 0) return t;
  }
  return {};
}

UdevDevicePtr find_remote_port(udev* u, std::string_view arg) {
  std::string path(arg);
  if (path.starts_with("/devices/")) path = "/sys" + path;
  if (!path.starts_with("/sys/")) return nullptr;
  UdevDevicePtr dev(udev_device_new_from_syspath(u, path.c_str()));
  if (!dev) return nullptr;
  const char* subsystem = udev_device_get_subsystem(dev.get());
  return subsystem && port_transport(subsystem) ? std::move(dev) : nullptr;
}

RemotePortFacts read_remote_port(udev_device* port) {
  RemotePortFacts f;
  f.transport = port_transport(udev_device_get_subsystem(port)).value_or(PortTransport::kFc);
  f.name = udev_device_get_sysname(port);
  switch (f.transport) {
    case PortTransport::kFc:
      f.target_id = read_text_attribute(port, "scsi_target_id").value_or("");
      f.roles = read_text_attribute(port, "roles").value_or("");
      f.state = read_text_attribute(port, "port_state").value_or("");
      break;
    case PortTransport::kSas:
      if (udev_device* rphy = udev_device_get_parent(port))
        f.target_id = read_sysfs_text(std::string(udev_device_get_syspath(rphy)) + "/sas_device/" +
                                      f.name + "/scsi_target_id")
                          .value_or("");
      break;
    case PortTransport::kIscsi:
      f.target_id = read_text_attribute(port, "target_id").value_or("");
      f.state = read_text_attribute(port, "state").value_or("");
      break;
  }
  return f;
}

std::vector<UdevDevicePtr> host_remote_ports(udev* u, udev_device* host) {
  std::vector<UdevDevicePtr> ports;
  UdevEnumeratePtr e(udev_enumerate_new(u));
  if (!e) return ports;
  udev_enumerate_add_match_parent(e.get(), host);
  for (const char* s : {"fc_remote_ports", "sas_end_device", "iscsi_session"})
    udev_enumerate_add_match_subsystem(e.get(), s);
  udev_enumerate_scan_devices(e.get());
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    if (UdevDevicePtr d{udev_device_new_from_syspath(u, udev_list_entry_get_name(entry))})
      ports.push_back(std::move(d));
  }
  return ports;
}

UdevDevicePtr scsi_device_at(udev* u, const ScsiAddress& a) {
  return UdevDevicePtr(
      udev_device_new_from_subsystem_sysname(u, "scsi", format_scsi_address(a).c_str()));
}

int send_synthetic_change(udev_device* dev,
                          const std::vector<std::pair<std::string, std::string>>& arguments) {
  auto alnum = [](const std::string& w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isalnum(c); });
  };
  // A fixed UUID would do; udev only passes it on as SYNTH_UUID.
  std::string text = "change 00000000-0000-0000-0000-000000000000";
  for (const auto& [key, value] : arguments) {
    if (!alnum(key) || !alnum(value)) return EINVAL;
    text += " " + key + "=" + value;
  }
  return write_sysfs(dev, "uevent", text);
}

const char* synthetic_argument(const std::string& key) {
  return std::getenv(("SYNTH_ARG_" + key).c_str());
}

}  // namespace scsi_probe
