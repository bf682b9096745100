#include "quirk_lookup.h"

#include <string>

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

}  // namespace scsi_probe
