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

// A run writes each file through a temporary beside it, "<file>.XXXXXX"
// (mkstemp), renamed into place: in the same folder, so that the rename is
// atomic, and unique, so that two runs handing over the same object (a host
// run and a target run racing) never write into each other's file. Its name
// is never one the rules import.
std::string handoff_temp_template(std::string_view path);

// The same for a target whose LUNs a kernel scan created in a host run (the
// walk's scan of that target, or the scan of the whole host): the kernel
// has scanned it, nothing is left for its add event's run to do, so the host
// run leaves that run's SCSI_PROBE_TARGET and SCSI_PROBE_REASON in a file
// the event imports instead (one process less ahead of the target's LUNs'
// own events, which udev runs after it). A host run drops its host's files
// when it starts (their events, earlier children of the host, are done by
// then), and a target's remove event its own.
inline constexpr std::string_view kTargetHandoffDir = "/run/scsi-probe/targets";

// kTargetHandoffDir/targetH:C:T (udev's $kernel).
std::string target_handoff_path(const ScsiTarget& t);
// Whether a name in kTargetHandoffDir is a file of host `host` (temporaries
// included).
bool is_target_handoff_of_host(std::string_view file_name, unsigned host);
// The file's text: what `scsi-probe target` would print on that add event,
// `reason` saying which run scanned the target already.
std::string target_handoff_properties(const ScsiTarget& t, std::string_view reason);

// A run identifies the devices it created while it has used less than this:
// each identification waits at most a device run's bound, so a run's own
// bound (scsi-probe(8), BOUNDS) stays as it was. Devices left over are
// identified by their own add events.
inline constexpr std::chrono::seconds kHandoffStartBudget{60};

}  // namespace scsi_probe
