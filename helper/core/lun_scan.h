// The LUN scan of one target, the kernel's __scsi_scan_target,
// scsi_report_lun_scan and scsi_sequential_lun_scan made from user space, as
// a pure stepper: LunScan says which action comes next (a scan write,
// REPORT LUNS through a LUN, the kernel's scan of the target, a removal
// check, a wait, a delete, ...) and is told what it came to. run_lun_scan
// carries the actions out through ScsiHost (scsi_host.h) and LunScanIo
// (lun_scan_io.h). Each decision itself is a function of scan_plan.h,
// lun_policy.h or lun_diff.h.
//
// Which LUN carries REPORT LUNS: LUN 0, a well-known LUN or another LUN the
// target has, else the well-known LUN written for it, else only the
// kernel's scan of the target. Every listed LUN is written in list order,
// at most a budget of writes and time per run (the rest goes on from a
// cursor in a later run); without REPORT LUNS, the sequential walk. On a
// rescan, LUNs the target no longer lists are kept unless the policy says
// unreported=remove, and then only after two confirmations a wait apart,
// and never while in use. The well-known LUN goes after use; LUN 0, which
// was instantiated to reach the target, goes when a rule skips it and a
// scan run created it.
//
// A run may be cut before it ends (udevd kills a run at its event timeout,
// and a starved or hung run gets there): a guard (LunScanGuard) is told,
// before each action, where a successor would go on should the run be cut
// from then on (LunScanHandover), and sends that on at its deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "change_log.h"
#include "lun_policy.h"
#include "lun_scan_io.h"
#include "scan_plan.h"
#include "scsi_host.h"
#include "walk_budget.h"

namespace scsi_probe {

// Between the two checks of a LUN its target stopped reporting, before it is
// removed (unreported=remove): a LUN mapped again meanwhile stays.
inline constexpr std::chrono::seconds kUnreportedRecheckWait{5};

// Where a successor goes on after a cut: the cursor into the LUN list, and
// how many runs in a row were cut before they added a LUN (each such
// successor starts again where they did).
struct LunScanHandover {
  std::size_t cursor = 0;
  unsigned cuts = 0;
  bool operator==(const LunScanHandover&) const = default;
};

struct LunScanSetup {
  ScsiTarget target;
  ScanTrigger trigger = ScanTrigger::kRescan;
  std::size_t cursor = 0;  // resumes a list cut by an earlier run
  unsigned cuts = 0;       // of the handover this run starts from
  Policy policy;
  TargetIdentity identity;
  bool no_report_luns = false;  // starget->no_report_luns (usb-storage sets it)
  uint64_t max_scsi_luns = kDefaultMaxScsiLuns;  // scsi_mod.max_luns
  BatchLimits budget;
};

struct TargetScanResult {
  int added = 0;
  int removed = 0;
  int commands = 0;
  bool kernel_fallback = false;            // "C T -" was written
  bool host_gone = false;                  // the host went away: scan stopped
  std::optional<std::size_t> continue_at;  // cursor for the next run
  bool cut = false;  // cut by its guard, which sent the continuation already
  std::vector<std::string> reasons;
};

enum class LunScanStep {
  kDone,              // the scan is over: result() says what it did
  kListLuns,          // read the target's LUNs (ScsiHost::target_luns)
  kScanLun,           // write "C T L"
  kKernelScanTarget,  // write "C T -", then read the target's LUNs
  kReadAnsweringLun,  // LunScanIo::answering_lun
  kReportLuns,        // REPORT LUNS through the LUN
  kInquiry,           // a fresh INQUIRY of the LUN
  kCheckUse,          // LunScanIo::use
  kDelete,            // write 1 to the LUN's `delete`
  kCheckHandoff,      // LunScanIo::handoff_exists
  kWait,              // wait `wait`
};

struct LunScanAction {
  LunScanStep step = LunScanStep::kDone;
  uint64_t lun = 0;
  std::string reason;            // kDelete: why, for the log
  std::chrono::seconds wait{0};  // kWait
};

// What an action came to; each step fills its own fields.
struct LunScanOutcome {
  std::chrono::milliseconds elapsed{0};  // since the scan started, after the action
  int rc = 0;                 // kScanLun, kKernelScanTarget, kDelete: 0 or errno
  bool exists = false;        // kScanLun: the LUN exists afterwards
  bool host_present = true;   // kScanLun: the host is not being removed
  std::vector<uint64_t> luns;  // kListLuns, kKernelScanTarget: the target's LUNs
  AnsweringLunFacts answering;  // kReadAnsweringLun
  LunCommandAnswer answer;      // kReportLuns, kInquiry
  std::optional<UseVerdict> use;  // kCheckUse
  bool handoff = false;           // kCheckHandoff
};

// A line for the log: `always` lines (deletions, what kept a LUN) are
// printed whatever the verbosity; a change record goes to the system log.
struct LunScanNote {
  std::string line;
  bool always = false;
  std::optional<ChangeRecord> change;
};

class LunScan {
 public:
  explicit LunScan(LunScanSetup setup);
  ~LunScan();
  LunScan(const LunScan&) = delete;
  LunScan& operator=(const LunScan&) = delete;

  // The next action; kDone once the scan is over. After any other action,
  // feed() its outcome before asking again.
  LunScanAction next();
  void feed(LunScanOutcome outcome);
  // The notes since the last call, in order.
  std::vector<LunScanNote> take_notes();
  const TargetScanResult& result() const;
  // Where a successor goes on should the run be cut during the action
  // next() returned last, or after it: a write in flight is the kernel's
  // to finish, so the list goes on past it. nullopt: nothing a successor
  // must do (the kernel's scan of the target, removals: a LUN kept is not
  // lost).
  std::optional<LunScanHandover> handover() const;

 private:
  struct Steps;
  std::unique_ptr<Steps> steps_;
};

// Told before each action where a successor would go on should the run be
// cut from then on. Once it has sent a handover on, it returns that one:
// the run is cut, and stops before the action.
class LunScanGuard {
 public:
  virtual ~LunScanGuard() = default;
  virtual std::optional<LunScanHandover> go_on(const std::optional<LunScanHandover>& handover) = 0;
};

// Runs the scan to its end, or until `guard` cuts it: each action through
// `host` and `io`, each note to `err` ("scsi-probe target H:C:T: ...") and
// io.record(). A cut run's continue_at is the cursor its guard sent.
TargetScanResult run_lun_scan(const LunScanSetup& setup, ScsiHost& host, LunScanIo& io, bool verbose,
                              std::ostream& err, LunScanGuard* guard = nullptr);

}  // namespace scsi_probe
