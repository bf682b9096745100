// Acts for a run from a thread of its own once the run is past its
// deadline. udevd kills the whole event at its timeout, after which the run
// could do nothing more: a scan write stuck in the kernel's error handling
// cannot be interrupted, and a run starved of CPU gets nowhere in time. The
// run arms the watchdog with what must happen should it be killed from then
// on (a scan's continuation event: host walks, host_walk.h; LUN scans,
// lun_scan.h; a device run's kernel driver matching), and stops once that
// has been done.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace scsi_probe {

class DeadlineWatchdog {
 public:
  using Clock = std::chrono::steady_clock;
  // Returns 0 or errno.
  using Action = std::function<int()>;

  explicit DeadlineWatchdog(Clock::time_point deadline);
  ~DeadlineWatchdog();
  DeadlineWatchdog(const DeadlineWatchdog&) = delete;
  DeadlineWatchdog& operator=(const DeadlineWatchdog&) = delete;

  // What to do should the deadline pass from now on; false when the
  // watchdog acted already, or does now, the deadline being past (the run
  // must stop).
  bool arm(Action action);
  // Nothing to do from now on; false when the watchdog acted already. An
  // action under way is waited for.
  bool disarm();
  // Whether it acted (the action armed last), and its result. After stop()
  // it does nothing more.
  bool acted();
  int result();
  bool stop();

 private:
  void watch();

  const Clock::time_point deadline_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false, acted_ = false;
  Action action_;
  int result_ = 0;
  std::thread thread_;
};

}  // namespace scsi_probe
