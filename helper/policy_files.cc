#include "policy_files.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>

#include "system_log.h"

namespace scsi_probe {

Policy load_policy(std::ostream& err) {
  std::vector<PolicySource> files;
  if (DIR* d = opendir(std::string(kPolicyDirectory).c_str())) {
    while (dirent* e = readdir(d)) {
      if (!is_policy_file_name(e->d_name)) continue;
      std::string path = std::string(kPolicyDirectory) + "/" + e->d_name;
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        err << "scsi-probe: " << path << ": cannot read: policy file ignored\n";
        log_change({LogPriority::kWarning, path, "policy file ignored", "cannot read"});
        continue;
      }
      files.push_back({path, std::string((std::istreambuf_iterator<char>(in)),
                                         std::istreambuf_iterator<char>())});
    }
    closedir(d);
  }
  Policy p = build_policy(std::move(files), read_kernel_command_line());
  for (const auto& e : p.errors) err << "scsi-probe: " << e.format() << "\n";
  for (const auto& s : p.ignored) {
    err << "scsi-probe: " << s << ": ignored as a whole (errors above)\n";
    auto first = std::find_if(p.errors.begin(), p.errors.end(), [&](const PolicyError& e) { return e.source == s; });
    log_change({LogPriority::kWarning, s, "policy ignored", first != p.errors.end() ? first->format() : ""});
  }
  return p;
}

namespace {

// The first file `<ancestor>/<class>/<name>/<attribute>` under an ancestor
// of `dev` whose class folder exists, read as text.
std::optional<std::string> class_attribute(udev_device* dev, const char* cls, const char* attribute) {
  for (udev_device* p = dev; p; p = udev_device_get_parent(p)) {
    std::string base = std::string(udev_device_get_syspath(p)) + "/" + cls;
    DIR* d = opendir(base.c_str());
    if (!d) continue;
    std::optional<std::string> value;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::ifstream in(base + "/" + e->d_name + "/" + attribute);
      std::string s;
      if (in && std::getline(in, s)) {
        value = s;
        break;
      }
    }
    closedir(d);
    if (value) return value;
  }
  return std::nullopt;
}

}  // namespace

TargetIdentity target_identity(udev* u, unsigned host, unsigned channel, unsigned target) {
  std::string name = "target" + std::to_string(host) + ":" + std::to_string(channel) + ":" +
                     std::to_string(target);
  UdevDevicePtr t(udev_device_new_from_subsystem_sysname(u, "scsi", name.c_str()));
  if (!t) return {};
  if (auto v = class_attribute(t.get(), "fc_remote_ports", "port_name")) return {Transport::kFc, *v};
  if (auto v = class_attribute(t.get(), "sas_device", "sas_address")) return {Transport::kSas, *v};
  if (auto v = class_attribute(t.get(), "iscsi_session", "targetname")) return {Transport::kIscsi, *v};
  return {};
}

}  // namespace scsi_probe
