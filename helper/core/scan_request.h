// A patched scsi_mod (scsi_mod.scan=manual) does not drop a scan that a
// driver or transport asks for: it raises a change uevent on the host's
// bus device carrying SCSI_SCAN_REQUEST=<channel> <id> <lun>, the syntax of
// the host's `scan` attribute (each field decimal, or "-" for any).
// scsi_scan_target(SCSI_SCAN_INITIAL) names a target (virtio_scsi hot-add of
// LUN 0 on a new target: "0 3 -"; an FC remote port taking the target role,
// a SAS end device: "C T -"); scsi_scan_host() names none ("- - -"), and is
// called by every driver right after it adds the host. The kernel as Debian
// ships it raises no such event: its absence changes nothing. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "host_class.h"
#include "rescan_gate.h"
#include "result.h"
#include "scan_plan.h"
#include "scsi_address.h"

namespace scsi_probe {

inline constexpr const char* kScanRequestProperty = "SCSI_SCAN_REQUEST";

// nullopt: "-", any.
struct ScanRequest {
  std::optional<unsigned> channel;
  std::optional<unsigned> id;
  std::optional<uint64_t> lun;
  bool operator==(const ScanRequest&) const = default;
};

// Three fields separated by blanks, each decimal or "-"; a trailing newline
// is allowed. Anything else is an error that says why.
Result<ScanRequest> parse_scan_request(std::string_view text);

// "0 3 -", as the kernel wrote it.
std::string format_scan_request(const ScanRequest& r);

// What a host run does for the event it handles.
enum class HostRunScope {
  kAsBefore,       // no request: the host's add walk or change rescan, as ever
  kTarget,         // the request names a target: probe or rescan that one only
  kHostRescan,     // a request for the whole host: rescanned as on any change
  kAnswered,       // a request for the whole host raised before the last complete walk started
};

struct HostRunPlan {
  HostRunScope scope = HostRunScope::kAsBefore;
  ScsiTarget target;   // kTarget
  std::string reason;  // for SCSI_PROBE_REASON and the log; empty for kAsBefore
  std::string ignored;  // a malformed request, and why: for stderr
};

struct HostEventFacts {
  unsigned host = 0;
  HostClass host_class = HostClass::kParallel;
  // The host is walked, or its transport's ports probed (HostAction kWalk,
  // kTransportPorts); a host of another class gets its own scan for a
  // request that names a target, as on any change event.
  bool walked = true;
  ScanMode mode = ScanMode::kManual;
  // SCSI_SCAN_REQUEST, nullopt where the event has none.
  std::optional<std::string> request;
  // SEQNUM; nullopt: a run by hand.
  std::optional<uint64_t> seqnum;
  // The host's last complete walk (rescan_gate.h), read under its lock.
  RescanRecord last_walk;
};

// A request naming channel and target ID is that target's; any other is
// the host's, and answered by a complete walk of the host that started
// after the event was raised (the one right after the host's add event is,
// mostly, by the add event's walk).
HostRunPlan plan_host_run(const HostEventFacts& f);

}  // namespace scsi_probe
