#include "device_handoff.h"

namespace scsi_probe {

std::string handoff_path(const ScsiAddress& a) {
  return std::string(kHandoffDir) + "/" + format_scsi_address(a);
}

std::string handoff_temp_template(const ScsiAddress& a) {
  return handoff_path(a) + ".XXXXXX";
}

}  // namespace scsi_probe
