#include "drivers_autoprobe.h"

namespace scsi_probe {

AutoprobeSetting drivers_autoprobe_for(ScanMode mode) {
  switch (mode) {
    case ScanMode::kManual:
      return {false, "scsi-probe binds upper-level drivers (the LUN policy decides)"};
    case ScanMode::kSync:
    case ScanMode::kAsync:
      return {true, "the kernel scans and binds upper-level drivers itself"};
    case ScanMode::kNone:
      break;
  }
  return {std::nullopt, "nothing is scanned; the kernel's binding is left as it is"};
}

bool names_scsi_bus(std::string_view object) {
  while (object.size() > 1 && object.back() == '/') object.remove_suffix(1);
  return object == "/bus/scsi" || object == "/sys/bus/scsi" || object == "scsi";
}

}  // namespace scsi_probe
