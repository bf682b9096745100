// The thin layer over sysfs: libudev for finding devices and reading text
// attributes; plain reads for the kernel's binary attributes (inquiry,
// vpd_pg*), which libudev returns as C strings and so cuts at the first NUL.
#pragma once

#include <libudev.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "result.h"

namespace scsi_probe {

struct UdevDeleter {
  void operator()(udev* u) const { udev_unref(u); }
  void operator()(udev_device* d) const { udev_device_unref(d); }
  void operator()(udev_enumerate* e) const { udev_enumerate_unref(e); }
  void operator()(udev_hwdb* h) const { udev_hwdb_unref(h); }
  void operator()(udev_monitor* m) const { udev_monitor_unref(m); }
};
using UdevPtr = std::unique_ptr<udev, UdevDeleter>;
using UdevDevicePtr = std::unique_ptr<udev_device, UdevDeleter>;
using UdevEnumeratePtr = std::unique_ptr<udev_enumerate, UdevDeleter>;
using UdevHwdbPtr = std::unique_ptr<udev_hwdb, UdevDeleter>;
using UdevMonitorPtr = std::unique_ptr<udev_monitor, UdevDeleter>;

enum class ScsiObjectKind { kHost, kTarget, kDevice };

// Finds the scsi_host, scsi_target or scsi_device named by `arg`: a syspath
// ("/sys/..."), a devpath ("/devices/..."), a device node ("/dev/sdb",
// "/dev/sg3", "/dev/st0": the scsi_device behind it), or a kernel name
// ("2:0:1:0", "target2:0:1", "host2"); or an Error that names `arg` and
// says why not (ENODEV).
Result<UdevDevicePtr> find_scsi_object(udev* u, std::string_view arg, ScsiObjectKind kind);

// Reads a sysfs attribute file of `dev` as bytes (binary-safe, at most
// `limit` bytes). nullopt when the attribute does not exist or cannot be read.
std::optional<std::vector<uint8_t>> read_binary_attribute(udev_device* dev, std::string_view name,
                                                          std::size_t limit = 65536);

// A text attribute through libudev, trailing newline removed.
std::optional<std::string> read_text_attribute(udev_device* dev, std::string_view name);

// A decimal integer attribute; nullopt when absent or not a number.
std::optional<long long> read_int_attribute(udev_device* dev, std::string_view name);

// Writes `value` to a sysfs attribute of `dev` (or to an absolute sysfs path
// when `dev` is null). Returns 0 or the errno of the write: the kernel's
// answer matters (EINVAL marks a scan address past the host's limits).
int write_sysfs(udev_device* dev, std::string_view name, std::string_view value);

// One sysfs attribute kept open for repeated use, where a walk writes or
// reads it hundreds of times: each write() is one store() in the kernel
// (the offset is ignored), each read() one show() (a read from offset 0
// starts the attribute's text afresh), with no open(2) and close(2) each.
class OpenAttribute {
 public:
  explicit OpenAttribute(std::string path) : path_(std::move(path)) {}
  ~OpenAttribute();
  OpenAttribute(const OpenAttribute&) = delete;
  OpenAttribute& operator=(const OpenAttribute&) = delete;

  // 0 or the errno of the open or the write, as write_sysfs.
  int write(std::string_view value);
  // The first line; nullopt when unreadable.
  std::optional<std::string> read();

 private:
  std::string path_;
  int write_fd_ = -1;
  int read_fd_ = -1;
};

// A property of `dev` from the udev database, empty when unset.
std::string udev_property(udev_device* dev, const char* key);

// The size of a scsi_device's block device (its `size` counts 512-byte
// sectors whatever the logical block size); nullopt when it has none.
std::optional<uint64_t> block_device_bytes(udev* u, udev_device* scsi_device);

// The device nodes below `parent`, partitions left out.
std::vector<std::string> device_nodes(udev* u, udev_device* parent);

// The nodes SCSI commands can go through, best first: sg (when its module is
// loaded), bsg (built into Debian's kernel, there from the device's
// creation), the upper-level driver's (sd, sr, st, ch). Each call gives the
// next one, nullopt after the last; a node is looked up only when asked
// for, since the first almost always opens.
class CommandNodes {
 public:
  CommandNodes(udev* u, udev_device* scsi_device) : u_(u), dev_(scsi_device) {}
  std::optional<std::string> operator()();

 private:
  udev* u_;
  udev_device* dev_;
  std::size_t next_ = 0;
};

// The first line of a sysfs file given by its path (a bus or module
// attribute), nullopt when unreadable.
std::optional<std::string> read_sysfs_text(const std::string& path);
// Its first line as a whole decimal number, as read_int_attribute reads one.
std::optional<long long> read_sysfs_int(const std::string& path);
// The whole file, or "PATH: reason" with the errno.
Result<std::string> read_whole_file(const std::string& path);

// Reads a kernel module parameter (/sys/module/<module>/parameters/<name>).
std::optional<std::string> read_module_parameter(std::string_view module, std::string_view name);

// /proc/cmdline, empty when unreadable.
std::string read_kernel_command_line();
// udevd's event timeout as the kernel command line or /etc/udev/udev.conf
// sets it (walk_budget.h); nullopt: udevd's default.
std::optional<std::chrono::seconds> udev_event_timeout_here();
// When this process started (walk_budget.h), on the steady clock; now when
// /proc says nothing.
std::chrono::steady_clock::time_point process_started();
// When a run's watchdog cuts it (deadline_watchdog.h): cut_deadline() after
// the process started.
std::chrono::steady_clock::time_point run_cut_time(std::optional<std::chrono::seconds> event_timeout);

// Makes `dir` and its parent (the run-time state folders under
// /run/scsi-probe); 0, or the errno of the first that could not be made.
int make_state_folder(const std::string& dir);

}  // namespace scsi_probe
