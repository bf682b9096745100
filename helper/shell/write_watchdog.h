// Hands the rest of a host walk to a continuation event when one scan
// write outlasts the walk's budget: a write stuck in the kernel's error
// handling cannot be interrupted, and udevd kills the whole event at its
// timeout, after which the run could send nothing. The walk itself then
// stops after that write (host_walk.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "scsi_address.h"
#include "sysfs.h"

namespace scsi_probe {

class WriteWatchdog {
 public:
  using Clock = std::chrono::steady_clock;

  // `host`: the device the continuation event goes to; `action`: the walk's.
  WriteWatchdog(udev_device* host, std::string action, Clock::time_point deadline);
  ~WriteWatchdog();
  WriteWatchdog(const WriteWatchdog&) = delete;
  WriteWatchdog& operator=(const WriteWatchdog&) = delete;

  // A write starts: where the walk goes on should it hang.
  void arm(const ScsiTarget& resume_at);
  void disarm();
  // The continuation it sent (the walk must stop), and its result.
  std::optional<ScsiTarget> sent();
  int send_error();

 private:
  void watch();

  udev_device* host_;
  const std::string action_;
  const Clock::time_point deadline_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::optional<ScsiTarget> armed_, sent_;
  int send_error_ = 0;
  std::thread thread_;
};

}  // namespace scsi_probe
