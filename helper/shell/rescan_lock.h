// The per-target rescan lock and record of rescan_gate.h, in
// /run/scsi-probe/targets/H:C:T (flock; the file holds the record).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "rescan_gate.h"
#include "target_scan.h"

namespace scsi_probe {

inline constexpr const char* kRescanLockDir = "/run/scsi-probe/targets";
// How long a run waits for another scan of the same target to end; past
// that it scans anyway (a rescan too many is harmless; one missed is not).
inline constexpr std::chrono::seconds kRescanLockWait{30};

class TargetRescanLock {
 public:
  // Waits at most `wait` for the lock (zero: one try).
  explicit TargetRescanLock(const ScsiTarget& t, std::chrono::milliseconds wait = kRescanLockWait);
  ~TargetRescanLock();
  TargetRescanLock(const TargetRescanLock&) = delete;
  TargetRescanLock& operator=(const TargetRescanLock&) = delete;

  // Held (false: no lock file, or the wait ran out; the run goes on).
  bool locked() const { return locked_; }
  // Whether this event needs a rescan, from the record under the lock; the
  // kernel's sequence number read now, for record(). `inventory_change_lun`:
  // the LUN whose REPORTED LUNS DATA HAS CHANGED raised the event.
  RescanGate gate(std::optional<uint64_t> inventory_change_lun = std::nullopt);
  // The rescan gate() let through starts only now (after collecting unit
  // attentions): an event raised before this is answered by it.
  void restart();
  // The rescan gate() let through is complete: record when it started and
  // the LUNs whose unit attention it collected.
  void record(std::vector<uint64_t> collected = {});

 private:
  void write(const RescanRecord& r);

  int fd_ = -1;
  bool locked_ = false;
  std::optional<uint64_t> started_at_;
};

}  // namespace scsi_probe
