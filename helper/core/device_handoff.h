// The identification a scan run hands to the add event of a device it has
// just created. The run that writes "C T L" to a host's `scan` attribute
// (host, target and remote-port runs) identifies the new device in the same
// process and leaves its keys, exactly as `scsi-probe device` prints them, in
// a file the device's add event imports (IMPORT{file}): no second process per
// LUN. The add event runs the helper itself when no file is there; a device
// run, a deletion by the helper and the device's remove event drop the file,
// so that a later instance at the same address never inherits it.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "scsi_address.h"

namespace scsi_probe {

// Where the files live; 54-scsi-probe.rules names the same folder.
inline constexpr std::string_view kHandoffDir = "/run/scsi-probe/devices";

// The file of one device: kHandoffDir/H:C:T:L (udev's $kernel).
std::string handoff_path(const ScsiAddress& a);

// The template (for mkstemp) of the temporary file a run writes the file
// through before renaming it into place: in the same folder, so that the
// rename is atomic, and unique, so that two runs handing over the same
// device (a host run and a target run racing) never write into each other's
// file. Its name is never one the rules import.
std::string handoff_temp_template(const ScsiAddress& a);

// A run identifies the devices it created while it has used less than this:
// each identification waits at most a device run's bound, so a run's own
// bound (scsi-probe(8), BOUNDS) stays as it was. Devices left over are
// identified by their own add events.
inline constexpr std::chrono::seconds kHandoffStartBudget{60};

}  // namespace scsi_probe
