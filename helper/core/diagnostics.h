// The one shape of scsi-probe's diagnostics on stderr, which udev logs with
// the event: "scsi-probe VERB OBJECT: text". Changes to the machine go to the
// system log as well (system_log.h); this is the run's own account.
#pragma once

#include <ostream>
#include <string_view>

namespace scsi_probe {

// Writes "scsi-probe VERB OBJECT: " (no VERB: "scsi-probe: "; no OBJECT:
// "scsi-probe VERB: ") and returns `err` for the rest of the line.
std::ostream& diag(std::ostream& err, std::string_view verb, std::string_view object = {});

}  // namespace scsi_probe
