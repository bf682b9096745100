#include "quirk_lookup.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <string>

#include "system_log.h"

namespace scsi_probe {

Properties hwdb_quirk_properties(udev* u, std::string_view vendor, std::string_view model,
                                 std::string_view revision) {
  Properties props;
  UdevHwdbPtr hwdb(udev_hwdb_new(u));
  if (!hwdb) return props;
  std::string key = quirk_hwdb_key(vendor, model, revision);
  udev_list_entry* e;
  udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(hwdb.get(), key.c_str(), 0)) {
    const char* v = udev_list_entry_get_value(e);
    props.push_back({udev_list_entry_get_name(e), v ? v : ""});
  }
  return props;
}

QuirkDecision lookup_quirks(udev* u, std::string_view vendor, std::string_view model,
                            std::string_view revision, udev_device* scsi_device) {
  KernelQuirkParameters kernel = parse_kernel_cmdline(read_kernel_command_line());
  // The run-time value of default_dev_flags is the one in force.
  if (auto text = read_module_parameter("scsi_mod", "default_dev_flags"))
    if (auto flags = parse_default_dev_flags(*text)) kernel.default_dev_flags = *flags;
  std::optional<BlistFlags> applied;
  if (scsi_device)
    if (auto text = read_text_attribute(scsi_device, "blacklist"))
      applied = parse_sysfs_blacklist(*text).flags;
  return decide_quirks(vendor, model, hwdb_quirk_properties(u, vendor, model, revision), kernel,
                       applied);
}

namespace {

bool recorded(const std::string& entry) {
  std::ifstream in(kDevFlagsRecord);
  for (std::string line; std::getline(in, line);)
    if (line == entry) return true;
  return false;
}

}  // namespace

std::string add_dev_flags_entry(const std::string& device, BlistFlags missing,
                                const std::optional<std::string>& entry) {
  const std::string what =
      "the kernel did not apply hwdb flag(s) " + format_blist_flags(missing) + " when it created this device";
  if (access(kDevFlagsParameter, W_OK) != 0)
    return what + "; this kernel takes dev_flags at boot only (scsi_mod.dev_flags=)";
  if (!entry) return what + "; its vendor or model cannot be written to dev_flags";
  // One writer at a time, one write of an entry a boot: the kernel would
  // add a list entry for each.
  const std::string dir(kDevFlagsRecord, std::strrchr(kDevFlagsRecord, '/'));
  int fd = make_state_folder(dir) == 0 ? open(kDevFlagsRecord, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644) : -1;
  if (fd < 0) return what + "; cannot record the dev_flags entry in " + kDevFlagsRecord + ": " + std::strerror(errno);
  flock(fd, LOCK_EX);
  std::string said;
  if (recorded(*entry)) {
    said = what + "; created before dev_flags had \"" + *entry + "\"";
  } else if (int rc = OpenAttribute(kDevFlagsParameter).write(*entry)) {
    said = what + "; writing \"" + *entry + "\" to dev_flags: " + std::strerror(rc);
    log_change({LogPriority::kWarning, device, "dev_flags failed", said});
  } else {
    const std::string line = *entry + "\n";
    const bool noted = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    said = "added \"" + *entry + "\" to dev_flags " +
           (noted ? std::string() : "(not recorded in " + std::string(kDevFlagsRecord) + ") ") +
           "for the devices of this model created from now on: " + what;
    log_change({LogPriority::kNotice, device, "dev_flags", said});
  }
  close(fd);
  return said;
}

}  // namespace scsi_probe
