#include "device_handoff.h"

namespace scsi_probe {

std::string handoff_path(const ScsiAddress& a) {
  return std::string(kHandoffDir) + "/" + format_scsi_address(a);
}

}  // namespace scsi_probe
