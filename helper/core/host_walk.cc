#include "host_walk.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "report_luns.h"
#include "scan_plan.h"

namespace scsi_probe {

namespace {

std::string where(const ScsiTarget& t) { return std::to_string(t.channel) + ":" + std::to_string(t.id); }

// Where a walk starts: its continuation's cursor, else 0:0 of the host.
ScsiTarget walk_start(unsigned host, const std::optional<ScsiTarget>& resume_at) {
  ScsiTarget at = resume_at.value_or(ScsiTarget{host, 0, 0});
  at.host = host;
  return at;
}

// The kernel's scan of one target ("C T -"): LUN 0, then REPORT LUNS or the
// sequential scan through a temporary LUN 0 where it has no device.
TargetProbeResult kernel_target_probe(ScsiHost& hs, const ScsiTarget& t, std::string note) {
  const int rc = hs.kernel_scan_target(t);
  if (rc == EINVAL) return {TargetProbe::kPastLimits, false, {}};
  if (host_gone_error(rc))
    return {TargetProbe::kHostGone, false,
            "host gone at " + where(t) + " (kernel scan: " + std::strerror(rc) + "): walk stopped"};
  if (rc) return {TargetProbe::kFailed, false, "kernel scan of " + where(t) + ": " + std::strerror(rc)};
  const bool found = !hs.target_luns(t).empty();
  if (!found && !hs.present())
    return {TargetProbe::kHostGone, false, "host removed at " + where(t) + ": walk stopped"};
  return {TargetProbe::kKernelScan, found, std::move(note)};
}

}  // namespace

bool probe_leaves_lun_scan(const TargetProbeResult& p, bool helper_lun_scan) {
  return helper_lun_scan && p.found && (p.how == TargetProbe::kLun0 || p.how == TargetProbe::kWellKnownLun);
}

TargetProbeResult probe_target(ScsiHost& hs, const ScsiTarget& t, bool& wlun_refused) {
  int rc = hs.scan_lun(t.lun(0));
  if (rc == EINVAL) return {TargetProbe::kPastLimits, false, {}};
  if (host_gone_error(rc))
    return {TargetProbe::kHostGone, false,
            "host gone at " + where(t) + " (scan: " + std::strerror(rc) + "): walk stopped"};
  if (rc) return {TargetProbe::kFailed, false, "scan " + where(t) + ": " + std::strerror(rc)};
  if (hs.device_exists(t.lun(0))) return {TargetProbe::kLun0, true, {}};
  if (!hs.present()) return {TargetProbe::kHostGone, false, "host removed at " + where(t) + ": walk stopped"};
  // Nothing at LUN 0; a target may still be there without it.
  std::string note;
  if (!wlun_refused) {
    rc = hs.scan_lun(t.lun(kReportLunsWellKnownLun));
    if (rc != EINVAL) {
      bool found = hs.device_exists(t.lun(kReportLunsWellKnownLun));
      return {found ? TargetProbe::kWellKnownLun : TargetProbe::kNothing, found, {}};
    }
    wlun_refused = true;
    note = "the host refuses the well-known LUN 49409: targets without LUN 0 need the kernel's scan of that target";
  }
  TargetProbeResult r = kernel_target_probe(hs, t, std::move(note));
  // LUN 0's write was within the host's limits: EINVAL now is a failure.
  if (r.how == TargetProbe::kPastLimits)
    r = {TargetProbe::kFailed, false, "kernel scan of " + where(t) + ": " + std::strerror(EINVAL)};
  return r;
}

std::optional<std::string> rule_restricting_host(const Policy& policy, unsigned host, std::string_view transport) {
  for (const Rule& r : policy.rules) {
    if (!r.instantiate && !r.remove_unreported) continue;
    bool may_match = true;
    switch (r.kind) {
      case MatchKind::kHctl:
        may_match = r.host.contains(host);
        break;
      case MatchKind::kFc:
      case MatchKind::kSas:
      case MatchKind::kIscsi:
        may_match = transport == (r.kind == MatchKind::kFc    ? "fc"
                                  : r.kind == MatchKind::kSas ? "sas"
                                                              : "iscsi");
        break;
      case MatchKind::kWwn:
        break;  // any LUN of any host may have that name
    }
    if (may_match) return r.where();
  }
  return std::nullopt;
}

KernelRescanChoice choose_kernel_rescan(const Policy& policy, const KernelRescanFacts& f) {
  if (!f.rescan) return {false, "an add event: the host is walked"};
  if (f.continuation) return {false, "a continuation: the walk goes on"};
  if (f.target_without_lun0)
    return {false, "a target of this host has no LUN 0: a new one like it needs the well-known LUN"};
  if (auto rule = rule_restricting_host(policy, f.host, f.transport))
    return {false, "the LUN policy may leave out or remove LUNs of this host (" + *rule + ")"};
  return {true, "a rescan by the kernel's scan of the host (\"- - -\"): the LUN policy restricts nothing here"};
}

HostWalkSetup requested_target_walk(const ScsiTarget& requested, const std::vector<ScsiTarget>& known,
                                    std::chrono::milliseconds budget) {
  HostWalkSetup s;
  s.host = requested.host;
  s.rescan = true;
  s.budget = budget;
  s.port_targets.emplace(1, requested);
  if (std::find(known.begin(), known.end(), requested) != known.end()) s.known.insert(requested);
  return s;
}

WalkHandover first_handover(unsigned host, const std::optional<ScsiTarget>& resume_at, unsigned cuts) {
  return {walk_start(host, resume_at), cuts + 1};
}

std::string cut_fallback_reason(unsigned cuts) {
  return "the last " + std::to_string(cuts) +
         " runs were cut before their first write: the kernel's scan of the host (\"- - -\")";
}

HostWalk::HostWalk(HostWalkSetup setup) : s_(std::move(setup)) {
  at_ = walk_start(s_.host, s_.resume_at);
  // A continuation inside a channel: the run before had IDs of it accepted.
  channel_exists_ = at_.id > 0;
  known_ = s_.known.begin();
  if (!s_.port_targets) armed_ = first_handover(s_.host, s_.resume_at, s_.cuts);
}

HostWalkStep HostWalk::stop(std::string reason) {
  stopped_ = true;
  if (r_.stop_reason.empty()) r_.stop_reason = std::move(reason);
  HostWalkStep st;
  st.kind = HostWalkStep::Kind::kStop;
  st.reason = r_.stop_reason;
  return st;
}

void HostWalk::end_channel() {
  if (!channel_exists_) {
    // scsi_scan_host_selected: EINVAL at the first ID of a channel is past
    // max_channel.
    stopped_ = true;
    r_.stop_reason = "past the host's last channel";
    return;
  }
  ++at_.channel;
  at_.id = 0;
  channel_exists_ = false;
}

HostWalkStep HostWalk::next_port() {
  if (!s_.rescan) return stop("an add event: the transport's remote-port events name the targets");
  const std::vector<ScsiTarget>& ports = *s_.port_targets;
  while (port_ < ports.size()) {
    const ScsiTarget t = ports[port_++];
    if (s_.known.count(t)) continue;
    return {HostWalkStep::Kind::kProbe, t, t, {}};
  }
  if (known_ != s_.known.end()) return {HostWalkStep::Kind::kLeaveToChangeEvent, *known_++, {}, {}};
  return stop("every remote port with a target and every known target done");
}

HostWalkStep HostWalk::next_on_channel(std::chrono::milliseconds elapsed) {
  for (;;) {
    if (stopped_) return stop(r_.stop_reason);
    if (s_.this_id && at_.id == *s_.this_id) {
      ++at_.id;
      continue;
    }
    if (at_.id >= kMaxIdsPerChannel) {
      r_.notes.push_back("stopped at ID " + std::to_string(at_.id) + " of channel " + std::to_string(at_.channel));
      end_channel();
      continue;
    }
    // The clock counts from the process's start: a run that started late
    // (a machine short of CPU) still probes one ID, so that the chain of
    // continuations always moves on.
    if (elapsed > s_.budget && last_) {
      r_.continue_at = at_;
      stopped_ = true;
      r_.stop_reason = "the walk's budget is spent";
      return {HostWalkStep::Kind::kContinueLater, at_, {}, r_.stop_reason};
    }
    const ScsiTarget t = at_;
    if (s_.known.count(t)) {
      channel_exists_ = true;
      ++at_.id;
      if (s_.rescan) return {HostWalkStep::Kind::kLeaveToChangeEvent, t, {}, {}};
      continue;
    }
    // Should the write hang, the continuation probes this ID again once the
    // write is over (it waits for the host's scan lock), unless it is the
    // continuation of such a hang already: then the next ID. (A run cut
    // before its first write never probed its cursor.)
    ScsiTarget if_hung = t;
    if (s_.resume_at && s_.cuts == 0 && s_.resume_at->channel == t.channel && s_.resume_at->id == t.id)
      ++if_hung.id;
    return {HostWalkStep::Kind::kProbe, t, if_hung, {}};
  }
}

HostWalkStep HostWalk::next(std::chrono::milliseconds elapsed) {
  const HostWalkStep st = next_step(elapsed);
  if (st.kind == HostWalkStep::Kind::kProbe && !s_.port_targets)
    armed_ = WalkHandover{st.resume_if_hung, 0};
  else if (st.kind != HostWalkStep::Kind::kLeaveToChangeEvent)
    armed_.reset();
  return st;
}

HostWalkStep HostWalk::next_step(std::chrono::milliseconds elapsed) {
  if (stopped_) return stop(r_.stop_reason);
  const bool parallel = !s_.port_targets;
  const bool fallback = parallel && s_.cuts >= kMaxCutsInARow;
  const bool host_scan =
      fallback || (parallel && (s_.rescan ? s_.kernel_rescan : s_.host_scan_after_refusal && wlun_refused_));
  if (host_scan) {
    if (r_.kernel_host_scan) return stop("the kernel's scan of the host is done");
    if (fallback)
      r_.notes.push_back(cut_fallback_reason(s_.cuts));
    else if (!s_.rescan)
      r_.notes.push_back("the rest of the host is the kernel's scan of the host (\"- - -\"): the LUN policy "
                         "leaves out no LUN of this host");
    last_ = HostWalkStep{HostWalkStep::Kind::kKernelScanHost, {s_.host, 0, 0}, {}, {}};
    return *last_;
  }
  HostWalkStep st = s_.port_targets ? next_port() : next_on_channel(elapsed);
  last_ = st;
  return st;
}

void HostWalk::probed(const TargetProbeResult& p) {
  const bool parallel = !s_.port_targets;
  if (p.how == TargetProbe::kPastLimits && parallel) {
    // Past max_id (or, for ID 0, past max_channel).
    end_channel();
    return;
  }
  if (!p.note.empty()) r_.notes.push_back(p.note);
  if (p.how == TargetProbe::kKernelScan) ++r_.kernel_scans;
  if (p.how == TargetProbe::kWellKnownLun) ++r_.wlun_targets;
  if (p.found) {
    ++r_.targets_found;
    if (last_) found_.insert(last_->target);
  }
  if (p.how == TargetProbe::kHostGone) {
    r_.host_gone = true;
    stopped_ = true;
    r_.stop_reason = "the host is gone";
    return;
  }
  if (parallel) {
    channel_exists_ = true;
    ++at_.id;
  }
}

void HostWalk::kernel_host_scanned(int error, const std::vector<ScsiTarget>& targets) {
  r_.kernel_host_scan = true;
  if (host_gone_error(error)) {
    r_.host_gone = true;
    r_.notes.push_back(std::string("host gone (scan: ") + std::strerror(error) + ")");
    stopped_ = true;
    r_.stop_reason = "the host is gone";
    return;
  }
  if (error) {
    r_.kernel_host_scan_failed = true;
    r_.notes.push_back(std::string("the kernel's scan of the host: ") + std::strerror(error));
    return;
  }
  // The kernel rescanned every known target (REPORT LUNS through LUN 0),
  // and those this walk's probes found before it.
  r_.rescanned = static_cast<int>(s_.known.size());
  for (const ScsiTarget& t : targets)
    if (!s_.known.count(t) && !found_.count(t)) ++r_.targets_found;
}

void HostWalk::change_event_sent(int error) {
  if (!error) {
    ++r_.rescanned;
    return;
  }
  const ScsiTarget t = last_ ? last_->target : ScsiTarget{};
  r_.notes.push_back("target " + format_scsi_target(t) + ": no change event: " + std::strerror(error));
}

void HostWalk::continued(int error) {
  if (error) r_.notes.push_back(std::string("cannot continue: ") + std::strerror(error));
}

void HostWalk::handed_on(const ScsiTarget& resume_at, int error) {
  r_.notes.push_back("the run outlasted its time (a scan write that hung, a machine short of CPU): its watchdog "
                     "handed the rest on from " + where(resume_at) +
                     (error ? std::string(" FAILED: ") + std::strerror(error) : std::string()));
  r_.handed_on = resume_at;
  r_.continue_at.reset();
  stopped_ = true;
  r_.stop_reason = "the run was cut: the rest handed on";
}

HostWalkResult walk_host(ScsiHost& hs, HostWalk& walk, HostWalkShell& shell) {
  for (;;) {
    const HostWalkStep st = walk.next(shell.elapsed());
    // The watchdog may have cut the run since the last step (a write that
    // hung, a run starved of CPU): then the walk stops here.
    if (const auto hand_off = shell.go_on(walk.handover())) {
      walk.handed_on(hand_off->resume_at, hand_off->error);
      return walk.result();
    }
    switch (st.kind) {
      case HostWalkStep::Kind::kProbe:
        walk.probed(probe_target(hs, st.target, walk.wlun_refused()));
        break;
      case HostWalkStep::Kind::kKernelScanHost: {
        shell.kernel_rescan_starts(walk.setup().known);
        const int rc = hs.kernel_scan_host();
        const bool complete = rc == 0 && hs.present();
        shell.kernel_rescan_ends(complete);
        walk.kernel_host_scanned(rc ? rc : complete ? 0 : ENODEV, hs.targets());
        break;
      }
      case HostWalkStep::Kind::kLeaveToChangeEvent:
        walk.change_event_sent(shell.send_target_change(st.target));
        break;
      case HostWalkStep::Kind::kContinueLater:
        walk.continued(shell.send_continuation(st.target));
        return walk.result();
      case HostWalkStep::Kind::kStop:
        return walk.result();
    }
  }
}

bool walk_complete(const HostWalkSetup& setup, const HostWalkResult& result) {
  return !setup.resume_at && !result.continue_at && !result.handed_on && !result.host_gone &&
         !result.kernel_host_scan_failed;
}

std::string format_walk_cursor(const ScsiTarget& t) { return where(t); }

}  // namespace scsi_probe
