// What a device run reports after carrying out its attach decision. The
// rules run the kernel's own driver matching (scsi-probe-fallback device)
// when SCSI_PROBE_ATTACH is missing, so that key may only be printed when
// the decided driver is really bound, or will be bound by the kernel itself;
// a failed module load or bind leaves it out, and the fallback runs.
#pragma once

#include <optional>
#include <string>

#include "attach_policy.h"
#include "properties.h"

namespace scsi_probe {

// What the shell did for a kBind decision and what sysfs shows afterwards.
struct AttachEffects {
  // The helper loaded the module and wrote `bind` itself (drivers_autoprobe
  // is 0: it owns attachment). false: the kernel binds once udev's kmod
  // builtin has loaded the module (80-drivers.rules), nothing was done here.
  bool helper_binds = false;
  std::string module_error;  // empty: the module loaded (or was there)
  std::string bind_error;    // empty: the bind write succeeded
  // The `driver` link after the attempt; nullopt: unbound.
  std::optional<std::string> bound_driver_after;
};

struct AttachOutcome {
  // attach_properties(), with SCSI_PROBE_ATTACH empty when the bind
  // failed. The shell sets these over the keys of the decision it set
  // before acting, so the empty value is what withdraws the decided driver:
  // format_udev_properties() prints no empty value.
  Properties properties;
  // The decided driver is bound (or the kernel binds it); false: the
  // kernel's driver matching must run.
  bool attached = true;
  std::string failure;  // why not, for the log; empty when attached
};

AttachOutcome attach_outcome(const AttachDecision& d, const AttachEffects& e);

}  // namespace scsi_probe
