#include "diagnostics.h"

namespace scsi_probe {

std::ostream& diag(std::ostream& err, std::string_view verb, std::string_view object) {
  err << "scsi-probe";
  if (!verb.empty()) err << ' ' << verb;
  if (!object.empty()) err << ' ' << object;
  return err << ": ";
}

}  // namespace scsi_probe
