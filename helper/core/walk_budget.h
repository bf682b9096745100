// How long a host walk may take inside its udev event. udevd warns about an
// event at a third of its timeout and kills the worker at the timeout (180
// seconds unless udev.event_timeout= says otherwise); a killed event runs no
// RUN fallback and sends no continuation, so the walk must hand the rest of
// the host on before then, even while one of its scan writes hangs in the
// kernel's error handling.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace scsi_probe {

// udev.event_timeout= (or rd.udev.event_timeout=, the initramfs's; the last
// one given wins, as udevd reads them) from a kernel command line, in
// seconds; nullopt when absent or not a positive number.
std::optional<std::chrono::seconds> udev_event_timeout(std::string_view cmdline);

// The walk's budget: a third of the event timeout (udevd's default 180 s
// gives 60 s), at least one second and at most 60 (scsi-probe(8), BOUNDS).
std::chrono::seconds walk_budget(std::optional<std::chrono::seconds> event_timeout);

}  // namespace scsi_probe
