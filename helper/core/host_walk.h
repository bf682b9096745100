// The host walk: which channel and target IDs of a parallel host to probe,
// the user-space analog of the kernel's scsi_scan_host_selected() and
// scsi_scan_channel(). A HostWalk decides the next action from what it was
// told of the previous one; walk_host() carries the actions out through a
// ScsiHost (scsi_host.h) and a HostWalkShell (clock, change events, the
// run's watchdog), so that a simulated host drives it in unit
// tests as sysfs does on a machine.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lun_policy.h"
#include "scsi_address.h"
#include "scsi_host.h"
#include "walk_budget.h"

namespace scsi_probe {

// Drivers without a transport class have max_id in the hundreds; a host
// that accepts more IDs than this is walked no further on that channel.
inline constexpr unsigned kMaxIdsPerChannel = 65536;

// How one target ID was probed: LUN 0 instantiated; else the REPORT LUNS
// well-known LUN; where the host refuses that LUN, the kernel's scan of that
// one target ("C T -"). kPastLimits: EINVAL, the ID (or, for ID 0, the
// channel) is beyond the host's limits.
enum class TargetProbe { kLun0, kWellKnownLun, kKernelScan, kNothing, kPastLimits, kFailed, kHostGone };

struct TargetProbeResult {
  TargetProbe how = TargetProbe::kNothing;
  bool found = false;  // a target exists at the ID afterwards
  std::string note;    // for the log, when something is worth saying
};

// Probes one target ID through the host's `scan` attribute, as
// __scsi_scan_target() would from LUN 0. `wlun_refused` carries the host's
// refusal of the well-known LUN from one ID to the next (set here when first
// seen).
TargetProbeResult probe_target(ScsiHost& hs, const ScsiTarget& t, bool& wlun_refused);

// Whether the run that probed a target (a remote port's) goes on to scan
// its LUNs, as the target's add event would: after LUN 0 or the well-known
// LUN, where the host's LUNs are the helper's to scan (`helper_lun_scan`,
// host_class.h). Not after the kernel's scan of the target, which found
// them all.
bool probe_leaves_lun_scan(const TargetProbeResult& p, bool helper_lun_scan);

// The first rule of the LUN policy that may leave out or remove a LUN of
// this host (instantiate/skip or unreported= on its number, its transport, or
// any WWN), as "source:line"; nullopt when none can.
std::optional<std::string> rule_restricting_host(const Policy& policy, unsigned host, std::string_view transport);

// Whether a rescan of a parallel host may be the kernel's own scan of the
// host ("- - -"), which probes every ID in the kernel at a fraction of the
// cost of one write per ID (RESCANS in scsi-probe(8)). It may where it finds
// what the walk would: no rule of the LUN policy can leave out or remove a
// LUN of this host (the kernel would instantiate every LUN of a new target,
// and remove nothing), and no target of the host lacks LUN 0 (one reached
// through the well-known LUN: a new one like it answers nothing at LUN 0,
// and the kernel's scan passes it by).
struct KernelRescanChoice {
  bool yes = false;
  std::string reason;
};

struct KernelRescanFacts {
  unsigned host = 0;
  std::string transport;  // "spi", "" (transport_keyword's names)
  bool rescan = false;
  bool continuation = false;    // a walk cut by its budget goes on: walk it
  bool target_without_lun0 = false;
};

KernelRescanChoice choose_kernel_rescan(const Policy& policy, const KernelRescanFacts& f);

// What a walk is given.
struct HostWalkSetup {
  unsigned host = 0;
  std::optional<unsigned> this_id;  // the adapter's own ID: never probed
  // A change event: known targets are left to their own change events, and
  // IDs without a target are probed for new ones.
  bool rescan = false;
  std::set<ScsiTarget> known;  // targets with LUNs when the walk starts
  // Where a continuation starts (channel, id); nullopt: from 0:0.
  std::optional<ScsiTarget> resume_at;
  // Runs in a row cut before their first write, by their watchdogs, up to
  // this one's (its continuation event says). At kMaxCutsInARow the walk is
  // the kernel's scan of the host, as the rules' fallback for a failed run.
  unsigned cuts = 0;
  std::chrono::milliseconds budget{60000};
  // A transport host: its remote ports name the targets (nullopt: a
  // parallel host, walked by channel and ID). Only a rescan probes them.
  std::optional<std::vector<ScsiTarget>> port_targets;
  // A rescan by the kernel's scan of the host (choose_kernel_rescan): one
  // "- - -" write instead of the walk.
  bool kernel_rescan = false;
  // No rule of the LUN policy can leave out a LUN of this host
  // (rule_restricting_host): once the host refuses the well-known LUN, the
  // rest of an add walk is the kernel's scan of the host ("- - -"). Each ID
  // would otherwise need the kernel's scan of that target anyway (a target
  // without LUN 0), so one write does what hundreds did, at the kernel's
  // pace; the kernel creates every LUN it finds.
  bool host_scan_after_refusal = false;
};

// The walk of the one target the kernel asked a scan of (scan_request.h),
// walked as a transport's port: probed when not among `known` (the host's
// targets now), else left to its change event, whose target run rescans
// its LUNs. No other target is touched.
HostWalkSetup requested_target_walk(const ScsiTarget& requested, const std::vector<ScsiTarget>& known,
                                    std::chrono::milliseconds budget);

struct HostWalkStep {
  enum class Kind {
    kProbe,                // probe_target(target)
    kLeaveToChangeEvent,   // a known target: send it a change event
    kKernelScanHost,       // "- - -": the kernel scans every ID, known targets included
    kContinueLater,        // budget spent: a continuation goes on at target
    kStop,                 // done; `reason` says why
  };
  Kind kind = Kind::kStop;
  ScsiTarget target;
  // kProbe: where a continuation should go on should this write hang.
  ScsiTarget resume_if_hung;
  std::string reason;
};

// Where a successor goes on should the run be cut (udevd's kill, which no
// RUN fallback follows): the ID its continuation event names, and the runs
// in a row cut before their first write, this one included.
struct WalkHandover {
  ScsiTarget resume_at;
  unsigned cuts = 0;
  bool operator==(const WalkHandover&) const = default;
};

// Where a run cut before its first step hands on: its own start (its
// continuation's cursor, else 0:0), one cut more.
WalkHandover first_handover(unsigned host, const std::optional<ScsiTarget>& resume_at, unsigned cuts);
// Why a walk after `cuts` such runs in a row is the kernel's scan of the
// host, for its notes and the log.
std::string cut_fallback_reason(unsigned cuts);

// The walk's tally, for SCSI_PROBE_* and the summary line.
struct HostWalkResult {
  int targets_found = 0;
  int wlun_targets = 0;
  int kernel_scans = 0;
  int rescanned = 0;  // known targets left to their change events, or rescanned by "- - -"
  bool kernel_host_scan = false;  // the rescan was the kernel's "- - -"
  bool kernel_host_scan_failed = false;  // its write failed
  std::optional<ScsiTarget> continue_at;  // budget spent: go on from here
  std::optional<ScsiTarget> handed_on;    // the run was cut: its watchdog went on from here
  bool host_gone = false;
  std::string stop_reason;
  std::vector<std::string> notes;
};

class HostWalk {
 public:
  explicit HostWalk(HostWalkSetup setup);
  // It keeps an iterator into its own setup.
  HostWalk(const HostWalk&) = delete;
  HostWalk& operator=(const HostWalk&) = delete;

  // The next action, `elapsed` into the walk.
  HostWalkStep next(std::chrono::milliseconds elapsed);
  // What the last kProbe found.
  void probed(const TargetProbeResult& p);
  // What became of the kKernelScanHost: 0 or errno, and the targets the
  // host has afterwards.
  void kernel_host_scanned(int error, const std::vector<ScsiTarget>& targets);
  // What became of the last kLeaveToChangeEvent: 0 or errno.
  void change_event_sent(int error);
  // What became of the kContinueLater's event: 0 or errno.
  void continued(int error);
  // Where a successor goes on should the run be cut from the last step on,
  // until the next: before the first step the continuation's own start
  // (one cut more); from a probe on, where its write hanging would send
  // it (kProbe's resume_if_hung); a known target's change event keeps what
  // was before. Nothing while the kernel's scan of the host runs (the
  // kernel finishes it, killed run or not), when the walk is over, or sends
  // its own continuation; nothing for a transport host, whose rescan has no
  // cursor to go on from (its ports' events find its targets).
  std::optional<WalkHandover> handover() const { return armed_; }
  // The run's watchdog handed the rest on from `resume_at` (`error`: its
  // send failed): a write outlasted the run's time, or the machine starved
  // it. The walk stops.
  void handed_on(const ScsiTarget& resume_at, int error);

  const HostWalkResult& result() const { return r_; }
  const HostWalkSetup& setup() const { return s_; }
  // The host's refusal of the well-known LUN, carried from probe to probe.
  bool& wlun_refused() { return wlun_refused_; }

 private:
  HostWalkStep next_step(std::chrono::milliseconds elapsed);
  HostWalkStep next_on_channel(std::chrono::milliseconds elapsed);
  HostWalkStep next_port();
  HostWalkStep stop(std::string reason);
  void end_channel();

  HostWalkSetup s_;
  HostWalkResult r_;
  ScsiTarget at_;
  bool channel_exists_ = false;
  bool stopped_ = false;
  bool wlun_refused_ = false;
  std::set<ScsiTarget> found_;                // by this walk's probes
  std::size_t port_ = 0;                      // next port target
  std::set<ScsiTarget>::const_iterator known_;  // transport: next known target
  std::optional<HostWalkStep> last_;
  std::optional<WalkHandover> armed_;
};

// What a walk needs besides the host: its clock (from the process's start),
// the change events of known targets and of its continuation, and the
// run's watchdog.
class HostWalkShell {
 public:
  virtual ~HostWalkShell() = default;
  virtual std::chrono::milliseconds elapsed() const = 0;
  // A change event to a known target, whose own run rescans it; 0 or errno.
  virtual int send_target_change(const ScsiTarget& t) = 0;
  // The walk's budget is spent: its continuation event, from `at`; 0 or
  // errno.
  virtual int send_continuation(const ScsiTarget& at) = 0;
  // Before each step: what the watchdog sends should the run be cut from
  // now on (HostWalk::handover; nullopt: nothing). The hand-off it made
  // already, if it did, and the errno of that send: the walk stops.
  struct HandOff {
    ScsiTarget resume_at;
    int error = 0;
  };
  virtual std::optional<HandOff> go_on(const std::optional<WalkHandover>& h) = 0;
  // Around the kernel's scan of the host, which rescans these known
  // targets: their own rescans of the same trigger are answered by it
  // (rescan_gate.h). `complete`: the write succeeded.
  virtual void kernel_rescan_starts(const std::set<ScsiTarget>& known) = 0;
  virtual void kernel_rescan_ends(bool complete) = 0;
};

// Runs the walk to its end.
HostWalkResult walk_host(ScsiHost& hs, HostWalk& walk, HostWalkShell& shell);

// Whether the walk covered the whole host from its start: not a
// continuation, not cut by its budget or its watchdog, the host still
// there, the kernel's scan of the host (if it was that) written. Such a walk
// answers the kernel's requests for a scan of the host raised before it
// started (scan_request.h).
bool walk_complete(const HostWalkSetup& setup, const HostWalkResult& result);

// The host run's SCSI_PROBE_* value of a continuation cursor, "C:T".
std::string format_walk_cursor(const ScsiTarget& t);

}  // namespace scsi_probe
