// Loading upper-level drivers and device handlers, through libkmod (with
// modprobe's blacklist and options, as udev's own kmod builtin does).
#pragma once

#include <libudev.h>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "result.h"
#include "scsi_address.h"

namespace scsi_probe {

// Loads `name` (a module name or alias) and its dependencies; already loaded
// or built in is success. `why` goes to the system log with the load. A
// module this process asked udev for (DriverModulePreload) is awaited first:
// udevd's answer (the request's event, announced once its kmod builtin has
// run), for at most kUdevModuleWait from the request; only a module still
// missing then is loaded here (and its error, a blacklist say, reported).
inline constexpr std::chrono::seconds kUdevModuleWait{3};
Status load_module(std::string_view name,
                   std::string_view why = "for a driver or device handler scsi-probe attaches");

// Starts loading the module of the upper-level driver a new device's type
// takes as soon as the device exists, as 80-drivers.rules does with its
// MODALIAS on the add event: a scan run's bind, or the add event's own run,
// would start it only after the identification, and a port run's devices
// wait for their target's event first. udevd loads it: a synthetic change
// event on the SCSI bus carries the device type, and its rule runs udev's
// kmod builtin with the type's MODALIAS (54-scsi-probe.rules), in a worker
// of its own while this run identifies; udevd has libkmod open already,
// where this process would first open it and the libraries it links.
// Should the event not be sent, a thread here loads it. Binds nothing
// (drivers_autoprobe is 0 under manual); a load that fails is reported by
// the bind that needs it. Each module once per run; the destructor waits
// for the loads of its threads.
class DriverModulePreload {
 public:
  DriverModulePreload() = default;
  ~DriverModulePreload();
  DriverModulePreload(const DriverModulePreload&) = delete;
  DriverModulePreload& operator=(const DriverModulePreload&) = delete;

  void device_created(const ScsiAddress& a);

 private:
  std::mutex m_;
  std::set<std::string, std::less<>> started_;  // guarded by m_
  std::vector<std::thread> loads_;              // guarded by m_
};

}  // namespace scsi_probe
