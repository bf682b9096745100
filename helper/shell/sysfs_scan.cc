#include "sysfs_scan.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "device_handoff.h"
#include "report_luns.h"
#include "scan_plan.h"
#include "system_log.h"
#include "text.h"
#include "walk_budget.h"

namespace scsi_probe {

const std::string kDriversAutoprobe = concat({kScsiBus, "/drivers_autoprobe"});

namespace {

const std::string kScsiDevices = concat({kScsiBus, "/devices/"});

// The REPORT LUNS well-known LUN lives only while a target scan reads its
// list: its coming and going is logged below notice.
LogPriority priority_of(uint64_t lun) {
  return lun == kReportLunsWellKnownLun ? LogPriority::kInfo : LogPriority::kNotice;
}

}  // namespace

std::string scsi_device_path(const ScsiAddress& a) { return kScsiDevices + format_scsi_address(a); }

SysfsScsiHost::SysfsScsiHost(udev* u, udev_device* host) : udev_(u), host_dev_(host) {
  if (auto n = parse_host_name(udev_device_get_sysname(host))) host_ = *n;
}

int SysfsScsiHost::write_scan(const std::string& value) {
  ++writes_;
  if (!scan_)
    scan_ = std::make_unique<OpenAttribute>(std::string(udev_device_get_syspath(host_dev_)) + "/scsi_host/host" +
                                            std::to_string(host_) + "/scan");
  return scan_->write(value);
}

int SysfsScsiHost::scan_lun(const ScsiAddress& a) {
  auto value = scan_attribute_value(a.channel, a.target, a.lun);
  if (!value) return ERANGE;
  const bool existed = device_exists(a);
  int rc = write_scan(*value);
  if (rc == 0 && !existed && device_exists(a))
    created(a, "scan write \"" + *value + "\" to host" + std::to_string(host_));
  return rc;
}

void SysfsScsiHost::created(const ScsiAddress& a, std::string why) {
  created_.push_back(a);
  log_change({priority_of(a.lun), format_scsi_address(a), "create", std::move(why)});
  if (on_created_) on_created_(a);
}

int SysfsScsiHost::kernel_scan_target(const ScsiTarget& t) {
  const std::vector<uint64_t> before = target_luns(t);
  const std::string value = scan_attribute_target_value(t.channel, t.id);
  int rc = write_scan(value);
  if (rc != 0) return rc;
  const std::vector<uint64_t> after = target_luns(t);
  for (uint64_t l : after)
    if (!std::binary_search(before.begin(), before.end(), l))
      created(t.lun(l), "the kernel's scan of the target, \"" + value + "\" to host" + std::to_string(host_));
  if (before.empty() && !after.empty()) kernel_scanned_targets_.emplace_back(t, "the kernel's scan of the target");
  return rc;
}

std::vector<ScsiAddress> SysfsScsiHost::devices() const {
  std::vector<ScsiAddress> out;
  DIR* d = opendir(kScsiDevices.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    auto a = parse_scsi_address(e->d_name);
    if (a && a->host == host_) out.push_back(*a);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

int SysfsScsiHost::kernel_scan_host() {
  const std::vector<ScsiAddress> before = devices();
  int rc = write_scan("- - -");
  if (rc != 0) return rc;
  // The kernel scanned every target whole: those it created, and those
  // this run's own writes had created before (a walk's first IDs).
  std::set<ScsiTarget> others;
  for (const ScsiAddress& a : before)
    if (std::find(created_.begin(), created_.end(), a) == created_.end()) others.insert(target_of(a));
  std::set<ScsiTarget> handed;
  for (const auto& [t, why] : kernel_scanned_targets_) handed.insert(t);
  for (const ScsiAddress& a : devices()) {
    if (std::find(before.begin(), before.end(), a) == before.end())
      created(a, "the kernel's scan of the host, \"- - -\" to host" + std::to_string(host_));
    if (!others.count(target_of(a)) && handed.insert(target_of(a)).second)
      kernel_scanned_targets_.emplace_back(target_of(a), "the kernel's scan of the host");
  }
  return rc;
}

bool SysfsScsiHost::present() const {
  if (!state_)
    state_ = std::make_unique<OpenAttribute>(std::string(udev_device_get_syspath(host_dev_)) + "/scsi_host/host" +
                                             std::to_string(host_) + "/state");
  auto state = state_->read();
  return state && !host_state_removed(*state);
}

std::vector<uint64_t> SysfsScsiHost::target_luns(const ScsiTarget& t) const {
  struct stat st;
  if (lstat((kScsiDevices + target_sysname(t)).c_str(), &st) != 0 && errno == ENOENT) return {};
  return ScsiHost::target_luns(t);
}

bool SysfsScsiHost::device_exists(const ScsiAddress& a) const {
  struct stat st;
  return lstat(scsi_device_path(a).c_str(), &st) == 0;
}

int SysfsScsiHost::delete_device(const ScsiAddress& a, std::string_view reason) {
  // Its handoff file goes first: the remove event then has nothing to drop.
  unlink(handoff_path(a).c_str());
  int rc = write_sysfs(nullptr, scsi_device_path(a) + "/delete", "1");
  if (rc == 0) log_change({priority_of(a.lun), format_scsi_address(a), "remove", std::string(reason)});
  return rc;
}

std::string SysfsScsiHost::proc_name() const {
  UdevDevicePtr shost(udev_device_new_from_subsystem_sysname(udev_, "scsi_host", host_sysname(host_).c_str()));
  return shost ? read_text_attribute(shost.get(), "proc_name").value_or("") : "";
}

std::string SysfsScsiHost::transport() const {
  std::string base = std::string(udev_device_get_syspath(host_dev_)) + "/";
  const std::string name = host_sysname(host_);
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
      // The session's SCSI devices sit below the session device, the
      // class device's parent.
      if (udev_device* session = udev_device_get_parent(port)) {
        UdevEnumeratePtr e(udev_enumerate_new(udev_device_get_udev(port)));
        if (e && udev_enumerate_add_match_parent(e.get(), session) >= 0 &&
            udev_enumerate_add_match_property(e.get(), "DEVTYPE", "scsi_device") >= 0 &&
            udev_enumerate_scan_devices(e.get()) >= 0)
          f.has_devices = udev_enumerate_get_list_entry(e.get()) != nullptr;
      }
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

ScanMode read_scan_mode() { return parse_scan_mode(read_module_parameter("scsi_mod", "scan").value_or("async")); }

UdevDevicePtr scsi_device_at(udev* u, const ScsiAddress& a) {
  return UdevDevicePtr(
      udev_device_new_from_subsystem_sysname(u, "scsi", format_scsi_address(a).c_str()));
}

UdevDevicePtr scsi_target_at(udev* u, const ScsiTarget& t) {
  return UdevDevicePtr(udev_device_new_from_subsystem_sysname(u, "scsi", target_sysname(t).c_str()));
}

int send_synthetic_change(udev_device* dev,
                          const std::vector<std::pair<std::string, std::string>>& arguments,
                          std::string_view uevent) {
  auto alnum = [](const std::string& w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isalnum(c); });
  };
  // A fixed UUID would do; udev only passes it on as SYNTH_UUID.
  std::string text = "change 00000000-0000-0000-0000-000000000000";
  for (const auto& [key, value] : arguments) {
    if (!alnum(key) || !alnum(value)) return EINVAL;
    text += " " + key + "=" + value;
  }
  return write_sysfs(dev, uevent, text);
}

std::string synthetic_key(std::string_view key) { return concat({"SYNTH_ARG_", key}); }

const char* synthetic_argument(std::string_view key) { return std::getenv(synthetic_key(key).c_str()); }

int send_cut_continuation(udev_device* dev, std::vector<std::pair<std::string, std::string>> arguments,
                          unsigned cuts, const CutContinuation& c, std::string& note) {
  if (cuts) arguments.emplace_back(kSynthCuts, std::to_string(cuts));
  const int rc = send_synthetic_change(dev, arguments);
  const std::string in_a_row =
      cuts ? concat({" (", std::to_string(cuts), " run(s) in a row cut before ", c.progress, ")"}) : "";
  note = concat({describe_cut(c.timeout), ": ",
                 rc ? concat({"cannot send the continuation: ", std::strerror(rc)})
                    : concat({c.goes_on, " in a later run", in_a_row})});
  log_change({rc ? LogPriority::kErr : LogPriority::kWarning, c.name, "continue", note});
  return rc;
}

unsigned cuts_from_event() {
  const char* n = synthetic_argument(kSynthCuts);
  const std::size_t cuts = n ? parse_continue_cursor(n).value_or(0) : 0;
  return static_cast<unsigned>(std::min<std::size_t>(cuts, kMaxCutsInARow));
}

}  // namespace scsi_probe
