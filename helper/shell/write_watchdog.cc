#include "write_watchdog.h"

#include "sysfs_scan.h"

namespace scsi_probe {

WriteWatchdog::WriteWatchdog(udev_device* host, std::string action, Clock::time_point deadline)
    : host_(host), action_(std::move(action)), deadline_(deadline), thread_([this] { watch(); }) {}

WriteWatchdog::~WriteWatchdog() {
  {
    std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void WriteWatchdog::arm(const ScsiTarget& resume_at) {
  {
    std::lock_guard lock(mutex_);
    armed_ = resume_at;
  }
  wake_.notify_all();
}

void WriteWatchdog::disarm() {
  std::lock_guard lock(mutex_);
  armed_.reset();
}

std::optional<ScsiTarget> WriteWatchdog::sent() {
  std::lock_guard lock(mutex_);
  return sent_;
}

int WriteWatchdog::send_error() {
  std::lock_guard lock(mutex_);
  return send_error_;
}

void WriteWatchdog::watch() {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, deadline_, [this] { return done_; });
  // Past the deadline the walk arms no more writes, but one may have been
  // armed just as it passed.
  wake_.wait(lock, [this] { return done_ || armed_; });
  if (done_) return;
  sent_ = armed_;
  send_error_ = send_synthetic_change(host_, {{kSynthAction, action_},
                                              {kSynthChannel, std::to_string(sent_->channel)},
                                              {kSynthId, std::to_string(sent_->id)}});
}

}  // namespace scsi_probe
