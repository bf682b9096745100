// `scsi-probe check`: a preflight before turning scsi_mod.scan=manual on.
// Gathers the facts (every SCSI host's class, open-iscsi's node records,
// the running kernel's initramfs) and prints what manual_check decides;
// read-only.
#include <sys/utsname.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <sstream>

#include "commands.h"
#include "manual_check.h"
#include "rescan_lock.h"
#include "sysfs_host.h"
#include "sysfs_scan.h"

namespace scsi_probe {

namespace {

namespace fs = std::filesystem;

constexpr const char* kIscsiNodes = "/etc/iscsi/nodes";
constexpr const char* kIscsidConf = "/etc/iscsi/iscsid.conf";
constexpr const char* kLsinitramfs = "/usr/bin/lsinitramfs";

std::string file_text(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<CheckedHost> checked_hosts(udev* u) {
  std::vector<CheckedHost> out;
  UdevEnumeratePtr e(udev_enumerate_new(u));
  if (!e) return out;
  udev_enumerate_add_match_subsystem(e.get(), "scsi_host");
  udev_enumerate_scan_devices(e.get());
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    Result<UdevDevicePtr> host = find_scsi_object(u, udev_list_entry_get_name(entry), ScsiObjectKind::kHost);
    if (!host) continue;
    SysfsScsiHost hs(u, host->get());
    const HostFacts f = read_host_facts(hs);
    out.push_back({host_sysname(hs.number()), f.proc_name, classify_host(f)});
  }
  return out;
}

std::vector<IscsiNode> iscsi_nodes() {
  std::vector<IscsiNode> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(kIscsiNodes, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    out.push_back({fs::relative(it->path(), kIscsiNodes, ec).string(),
                   iscsi_setting(file_text(it->path()), "node.session.scan")});
  }
  return out;
}

// The running kernel's initramfs, listed with lsinitramfs when both exist.
InitramfsFacts initramfs_facts() {
  InitramfsFacts f;
  utsname un{};
  if (uname(&un) != 0) return f;
  f.image = std::string("/boot/initrd.img-") + un.release;
  std::error_code ec;
  if (!fs::exists(f.image, ec) || !fs::exists(kLsinitramfs, ec)) return f;
  const std::string cmd = std::string(kLsinitramfs) + " '" + f.image + "' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) return f;
  std::string listing;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p.get())) > 0;) listing.append(buf, n);
  f.inspected = !listing.empty();
  f.has_helper = initramfs_has_helper(listing);
  return f;
}

}  // namespace

int run_check(bool inspect_initramfs, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) return kExitInternal;
  std::error_code ec;
  const bool iscsi = fs::is_directory(kIscsiNodes, ec);
  std::optional<std::string> iscsid_default;
  if (fs::exists(kIscsidConf, ec)) iscsid_default = iscsi_setting(file_text(kIscsidConf), "node.session.scan");
  const std::string mode = read_module_parameter("scsi_mod", "scan").value_or("(scsi_mod not loaded)");
  const CheckReport r =
      check_manual(checked_hosts(u.get()), kernel_reports_scans(), iscsi,
                   iscsi ? iscsi_nodes() : std::vector<IscsiNode>{},
                   iscsid_default, inspect_initramfs ? initramfs_facts() : InitramfsFacts{});
  out << "scsi_mod.scan is " << mode << " now\n";
  for (const auto& l : r.lines) out << l << "\n";
  (void)err;
  switch (r.verdict) {
    case CheckVerdict::kSafe: return kExitOk;
    case CheckVerdict::kLimits: return kExitCheckLimits;
    case CheckVerdict::kNotSafe: return kExitCheckNotSafe;
  }
  return kExitInternal;
}

}  // namespace scsi_probe
