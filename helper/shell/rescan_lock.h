// The rescan lock and record of rescan_gate.h (flock; the file holds the
// record): per target in /run/scsi-probe/targets/H:C:T, per host in
// /run/scsi-probe/hosts/hostN (the host's last complete walk).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "rescan_gate.h"
#include "scsi_address.h"

namespace scsi_probe {

inline constexpr const char* kTargetLockDir = "/run/scsi-probe/targets";
inline constexpr const char* kHostLockDir = "/run/scsi-probe/hosts";
// Present once a host run of this boot handled a SCSI_SCAN_REQUEST: the
// kernel reports the scans manual suppresses (kernel/patches). Its line says
// which event showed it.
inline constexpr const char* kKernelReportsScans = "/run/scsi-probe/kernel-reports-scans";

bool kernel_reports_scans();
void note_kernel_reports_scans(std::string_view what);
std::string target_lock_path(const ScsiTarget& t);
std::string host_lock_path(unsigned host);

// How long a run waits for another scan of the same target or host to end; past
// that it scans anyway (a rescan too many is harmless; one missed is not).
// A target run's batch time (walk_budget.h): 30 s unless udev's event
// timeout is shorter.
std::chrono::milliseconds rescan_lock_wait();

// Waits at most `wait` for a scan of target `t` that holds its lock to end
// (a shared lock on the file, which is never made here). True when none is
// running by then.
bool await_target_scan(const ScsiTarget& t, std::chrono::milliseconds wait);

// The uevent's SEQNUM; nullopt in a run by hand.
std::optional<uint64_t> event_seqnum();

class RescanLock {
 public:
  // `path`: target_lock_path or host_lock_path; its folders are made.
  // Waits at most `wait` for the lock (zero: one try).
  explicit RescanLock(const std::string& path, std::chrono::milliseconds wait = rescan_lock_wait());
  ~RescanLock();
  RescanLock(const RescanLock&) = delete;
  RescanLock& operator=(const RescanLock&) = delete;

  // Held (false: no lock file, or the wait ran out; the run goes on).
  bool locked() const { return locked_; }
  // The last complete rescan's record (none without the lock).
  RescanRecord last() const;
  // Whether this event needs a rescan, from the record under the lock; the
  // kernel's sequence number read now, for record().
  RescanGate gate();
  // The rescan gate() let through starts only now (after collecting unit
  // attentions and their events): an event raised before this is answered
  // by it.
  void restart();
  // The rescan gate() let through is complete: record when it started.
  void record();

 private:
  int fd_ = -1;
  bool locked_ = false;
  std::optional<uint64_t> started_at_;
};

}  // namespace scsi_probe
