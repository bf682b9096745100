// `scsi-probe bus`: the SCSI bus's add event (scsi_mod loaded, or coldplug
// replaying it before any device): /sys/bus/scsi/drivers_autoprobe for the
// scan mode (drivers_autoprobe.h), so that it is set before the first host,
// whatever kind of host comes first. Host runs check it again.
#include <cstring>
#include <ostream>
#include <string>

#include "commands.h"
#include "diagnostics.h"
#include "drivers_autoprobe.h"
#include "sysfs.h"
#include "sysfs_scan.h"
#include "system_log.h"
#include "text.h"

namespace scsi_probe {
namespace {

std::string mode_reason(ScanMode mode) {
  return concat({"scsi_mod.scan=", scan_mode_name(mode), ": ", drivers_autoprobe_for(mode).reason});
}

}  // namespace

std::optional<bool> apply_drivers_autoprobe(ScanMode mode, std::string_view verb, std::string_view object,
                                            std::ostream& err) {
  const auto now = read_sysfs_text(kDriversAutoprobe);
  if (!now) return std::nullopt;
  const std::optional<bool> want = drivers_autoprobe_for(mode).on;
  if (!want || *now == autoprobe_text(*want)) return *now != "0";
  if (int rc = write_sysfs(nullptr, kDriversAutoprobe, autoprobe_text(*want))) {
    diag(err, verb, object) << kDriversAutoprobe << ": " << std::strerror(rc) << "\n";
    return *now != "0";
  }
  log_change({LogPriority::kNotice, kDriversAutoprobe, concat({"set to ", autoprobe_text(*want)}),
              mode_reason(mode)});
  return want;
}

int run_bus(const Invocation& inv, std::ostream& out, std::ostream& err) {
  if (!names_scsi_bus(inv.object)) {
    diag(err, "bus", inv.object) << "not the SCSI bus (/bus/scsi)\n";
    return kExitNoDevice;
  }
  const ScanMode mode = read_scan_mode();
  const std::optional<bool> on = apply_drivers_autoprobe(mode, "bus", "scsi", err);
  if (!on) {
    diag(err, "bus", "scsi") << kDriversAutoprobe << " cannot be read: scsi_mod is not loaded\n";
    return kExitNoDevice;
  }
  const std::string why = mode_reason(mode);
  out << "SCSI_PROBE_DRIVERS_AUTOPROBE=" << autoprobe_text(*on) << "\nSCSI_PROBE_REASON=" << why << "\n";
  diag(err, "bus", "scsi") << "drivers_autoprobe " << autoprobe_text(*on) << "; " << why << "\n";
  return kExitOk;
}

}  // namespace scsi_probe
