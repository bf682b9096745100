#include "deadline_watchdog.h"

#include <utility>

namespace scsi_probe {

DeadlineWatchdog::DeadlineWatchdog(Clock::time_point deadline) : deadline_(deadline), thread_([this] { watch(); }) {}

DeadlineWatchdog::~DeadlineWatchdog() {
  stop();
  thread_.join();
}

bool DeadlineWatchdog::arm(Action action) {
  {
    std::lock_guard lock(mutex_);
    if (acted_) return false;
    // Past the deadline already (a run that started late): at once, here.
    if (!done_ && Clock::now() >= deadline_) {
      acted_ = true;
      result_ = action();
      return false;
    }
    action_ = std::move(action);
  }
  wake_.notify_all();
  return true;
}

bool DeadlineWatchdog::disarm() {
  std::lock_guard lock(mutex_);
  action_ = nullptr;
  return !acted_;
}

bool DeadlineWatchdog::acted() {
  std::lock_guard lock(mutex_);
  return acted_;
}

int DeadlineWatchdog::result() {
  std::lock_guard lock(mutex_);
  return result_;
}

bool DeadlineWatchdog::stop() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  return acted();
}

void DeadlineWatchdog::watch() {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, deadline_, [this] { return done_; });
  // Past the deadline the run may be between armings: the next one acts.
  wake_.wait(lock, [this] { return done_ || action_; });
  if (done_) return;
  acted_ = true;
  // Under the lock: the run's next arm() or disarm() waits for the action,
  // then stops.
  result_ = action_();
}

}  // namespace scsi_probe
