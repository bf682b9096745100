#include "attach_outcome.h"

namespace scsi_probe {

AttachOutcome attach_outcome(const AttachDecision& d, const AttachEffects& e) {
  AttachOutcome o;
  o.properties = attach_properties(d);
  if (d.bind != BindAction::kBind || !e.helper_binds) return o;
  const std::string_view driver = upper_driver_name(d.driver);
  // A bind write that failed while another run bound the same driver (a
  // race, EBUSY) still leaves the device attached: sysfs decides.
  if (e.bound_driver_after && *e.bound_driver_after == driver) return o;
  o.attached = false;
  std::string why;
  for (const std::string* part : {&e.module_error, &e.bind_error})
    if (!part->empty()) why += (why.empty() ? "" : "; ") + *part;
  if (why.empty()) why = "no error reported, but the device is not bound";
  if (e.bound_driver_after) why += " (bound to " + *e.bound_driver_after + ")";
  o.failure = "attach " + std::string(driver) + " failed: " + why;
  set_property(o.properties, "SCSI_PROBE_ATTACH", "");
  const std::string* reason = find_property(o.properties, "SCSI_PROBE_REASON");
  set_property(o.properties, "SCSI_PROBE_REASON",
               (reason ? *reason + "; " : std::string()) + o.failure + ": left to the kernel's driver matching");
  return o;
}

}  // namespace scsi_probe
