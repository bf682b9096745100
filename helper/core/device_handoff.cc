#include "device_handoff.h"

#include "properties.h"

namespace scsi_probe {

std::string handoff_path(const ScsiAddress& a) {
  return std::string(kHandoffDir) + "/" + format_scsi_address(a);
}

std::string handoff_temp_template(std::string_view path) { return std::string(path) + ".XXXXXX"; }

std::string target_handoff_path(const ScsiTarget& t) {
  return std::string(kTargetHandoffDir) + "/" + target_sysname(t);
}

bool is_target_handoff_of_host(std::string_view file_name, unsigned host) {
  const std::string prefix = "target" + std::to_string(host) + ":";
  return file_name.starts_with(prefix);
}

std::string target_handoff_properties(const ScsiTarget& t, std::string_view reason) {
  Properties p;
  set_property(p, "SCSI_PROBE_TARGET", format_scsi_target(t));
  set_property(p, "SCSI_PROBE_REASON", std::string(reason));
  return format_udev_properties(p);
}

}  // namespace scsi_probe
