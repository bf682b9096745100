#include "policy_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>

#include "diagnostics.h"
#include "sysfs_scan.h"
#include "system_log.h"
#include "text.h"

namespace scsi_probe {

ConfigChoice find_policy_files() {
  std::vector<ConfigEntry> found;
  for (std::string_view dir : kPolicyDirectories) {
    DIR* d = opendir(std::string(dir).c_str());
    if (!d) continue;
    while (dirent* e = readdir(d)) {
      if (!is_policy_file_name(e->d_name)) continue;
      const std::string path = std::string(dir) + "/" + e->d_name;
      struct stat st;
      // stat() follows a symlink: one to /dev/null is a character device.
      const bool masks = stat(path.c_str(), &st) == 0 &&
                         (S_ISCHR(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size == 0));
      found.push_back({std::string(dir), e->d_name, masks});
    }
    closedir(d);
  }
  return choose_config_files(found);
}

Policy read_policy(const std::vector<std::string>& paths, std::string_view cmdline) {
  std::vector<PolicySource> files;
  std::vector<PolicyError> unreadable;
  for (const std::string& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      unreadable.push_back({path, 0, "cannot read"});
      continue;
    }
    files.push_back({path, std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>())});
  }
  Policy p = build_policy(std::move(files), cmdline);
  for (PolicyError& e : unreadable) {
    p.ignored.push_back(e.source);
    p.errors.push_back(std::move(e));
  }
  return p;
}

Policy load_policy(std::ostream& err, bool log_ignored) {
  Policy p = read_policy(find_policy_files().in_force, read_kernel_command_line());
  for (const auto& e : p.errors) diag(err, "") << e.format() << "\n";
  for (const auto& s : p.ignored) {
    diag(err, "") << s << ": ignored as a whole\n";
    if (!log_ignored) continue;
    auto first = std::find_if(p.errors.begin(), p.errors.end(), [&](const PolicyError& e) { return e.source == s; });
    log_change({LogPriority::kWarning, s, "policy ignored", first != p.errors.end() ? first->format() : ""});
  }
  return p;
}

namespace {

// The first file `<ancestor>/<class>/<name>/<attribute>` below `syspath` or
// one of its ancestors, read as text. The ancestors are the path's own
// folders: walking them as strings asks sysfs one question per level,
// where libudev's parents would resolve each one as a device.
std::optional<std::string> class_attribute(std::string_view syspath, const char* cls, const char* attribute) {
  constexpr std::string_view kDevices = "/sys/devices";
  for (std::string_view p = syspath; p.size() > kDevices.size() && p.starts_with(kDevices);
       p = p.substr(0, p.rfind('/'))) {
    const std::string base = concat({p, "/", cls});
    DIR* d = opendir(base.c_str());
    if (!d) continue;
    std::optional<std::string> value;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      if ((value = read_sysfs_text(concat({base, "/", e->d_name, "/", attribute})))) break;
    }
    closedir(d);
    if (value) return value;
  }
  return std::nullopt;
}

}  // namespace

TargetIdentity target_identity_at(std::string_view syspath) {
  if (auto v = class_attribute(syspath, "fc_remote_ports", "port_name")) return {Transport::kFc, *v};
  if (auto v = class_attribute(syspath, "sas_device", "sas_address")) return {Transport::kSas, *v};
  if (auto v = class_attribute(syspath, "iscsi_session", "targetname")) return {Transport::kIscsi, *v};
  return {};
}

TargetIdentity target_identity(udev* u, const ScsiTarget& target) {
  UdevDevicePtr t = scsi_target_at(u, target);
  return t ? target_identity_at(udev_device_get_syspath(t.get())) : TargetIdentity{};
}

}  // namespace scsi_probe
