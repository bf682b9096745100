#include "sysfs.h"

#include <dirent.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <iterator>
#include <utility>

#include "scsi_address.h"
#include "text.h"
#include "walk_budget.h"

namespace scsi_probe {

namespace {

const char* devtype_of(ScsiObjectKind kind) {
  switch (kind) {
    case ScsiObjectKind::kHost:
      return "scsi_host";
    case ScsiObjectKind::kTarget:
      return "scsi_target";
    case ScsiObjectKind::kDevice:
      return "scsi_device";
  }
  return "";
}

bool is_kind(udev_device* d, ScsiObjectKind kind) {
  const char* subsystem = udev_device_get_subsystem(d);
  const char* devtype = udev_device_get_devtype(d);
  return subsystem && devtype && std::strcmp(subsystem, "scsi") == 0 &&
         std::strcmp(devtype, devtype_of(kind)) == 0;
}

// Walks up from `d` to the first ancestor of the wanted kind (d itself included).
UdevDevicePtr ancestor_of_kind(udev_device* d, ScsiObjectKind kind) {
  for (udev_device* p = d; p; p = udev_device_get_parent(p))
    if (is_kind(p, kind)) return UdevDevicePtr(udev_device_ref(p));
  return nullptr;
}

UdevDevicePtr from_kernel_name(udev* u, std::string_view arg, ScsiObjectKind kind) {
  std::string name(arg);
  bool matches = (kind == ScsiObjectKind::kDevice && parse_scsi_address(arg)) ||
                 (kind == ScsiObjectKind::kTarget && parse_target_name(arg)) ||
                 (kind == ScsiObjectKind::kHost && parse_host_name(arg));
  if (!matches) return nullptr;
  return UdevDevicePtr(udev_device_new_from_subsystem_sysname(u, "scsi", name.c_str()));
}

}  // namespace

Result<UdevDevicePtr> find_scsi_object(udev* u, std::string_view arg, ScsiObjectKind kind) {
  std::string path(arg);
  UdevDevicePtr start;
  if (path.starts_with("/dev/")) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) {
      const int e = errno;
      return Error{concat({path, ": ", std::strerror(e)}), e};
    }
    char type = S_ISBLK(st.st_mode) ? 'b' : S_ISCHR(st.st_mode) ? 'c' : 0;
    if (!type) return Error{path + ": not a device node", ENODEV};
    start.reset(udev_device_new_from_devnum(u, type, st.st_rdev));
  } else if (path.starts_with("/sys/")) {
    start.reset(udev_device_new_from_syspath(u, path.c_str()));
  } else if (path.starts_with("/devices/")) {
    start.reset(udev_device_new_from_syspath(u, ("/sys" + path).c_str()));
  } else {
    start = from_kernel_name(u, arg, kind);
  }
  if (!start) return Error{path + ": no such device in sysfs", ENODEV};
  UdevDevicePtr found = ancestor_of_kind(start.get(), kind);
  if (!found) return Error{concat({path, ": not a ", devtype_of(kind), " and not below one"}), ENODEV};
  return found;
}

std::optional<std::vector<uint8_t>> read_binary_attribute(udev_device* dev, std::string_view name,
                                                          std::size_t limit) {
  std::string path = std::string(udev_device_get_syspath(dev)) + "/" + std::string(name);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return std::nullopt;
  // Grown a page at a time: most attributes are far below the limit, and
  // every page zero-filled up front is a page fault for nothing.
  std::vector<uint8_t> data;
  std::size_t got = 0;
  while (got < limit) {
    if (got == data.size()) data.resize(std::min(limit, data.size() + 4096));
    ssize_t n = read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fd);
  data.resize(got);
  return data;
}

std::optional<std::string> read_text_attribute(udev_device* dev, std::string_view name) {
  const char* v = udev_device_get_sysattr_value(dev, std::string(name).c_str());
  if (!v) return std::nullopt;
  return std::string(trim_end(v));
}

namespace {

// The whole of `text` as a decimal number.
std::optional<long long> parse_int(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<long long> read_int_attribute(udev_device* dev, std::string_view name) {
  return parse_int(read_text_attribute(dev, name));
}

int write_sysfs(udev_device* dev, std::string_view name, std::string_view value) {
  std::string path = dev ? std::string(udev_device_get_syspath(dev)) + "/" + std::string(name)
                         : std::string(name);
  return OpenAttribute(std::move(path)).write(value);
}

OpenAttribute::~OpenAttribute() {
  if (write_fd_ >= 0) close(write_fd_);
  if (read_fd_ >= 0) close(read_fd_);
}

int OpenAttribute::write(std::string_view value) {
  if (write_fd_ < 0) write_fd_ = open(path_.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (write_fd_ < 0) return errno;
  ssize_t n;
  do {
    n = pwrite(write_fd_, value.data(), value.size(), 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return errno;
  return static_cast<std::size_t>(n) == value.size() ? 0 : EIO;
}

std::optional<std::string> OpenAttribute::read() {
  if (read_fd_ < 0) read_fd_ = open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (read_fd_ < 0) return std::nullopt;
  char buf[256];
  ssize_t n;
  do {
    n = pread(read_fd_, buf, sizeof buf, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return std::nullopt;
  std::string_view text(buf, static_cast<std::size_t>(n));
  return std::string(text.substr(0, text.find('\n')));
}

std::string udev_property(udev_device* dev, const char* key) {
  const char* v = udev_device_get_property_value(dev, key);
  return v ? v : "";
}

std::optional<uint64_t> block_device_bytes(udev* u, udev_device* scsi_device) {
  UdevEnumeratePtr e(udev_enumerate_new(u));
  if (!e) return std::nullopt;
  udev_enumerate_add_match_parent(e.get(), scsi_device);
  udev_enumerate_add_match_subsystem(e.get(), "block");
  if (udev_enumerate_scan_devices(e.get()) < 0) return std::nullopt;
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    UdevDevicePtr b(udev_device_new_from_syspath(u, udev_list_entry_get_name(entry)));
    const char* devtype = b ? udev_device_get_devtype(b.get()) : nullptr;
    if (!devtype || std::strcmp(devtype, "disk") != 0) continue;
    if (auto sectors = read_int_attribute(b.get(), "size"); sectors && *sectors >= 0)
      return static_cast<uint64_t>(*sectors) * 512;
  }
  return std::nullopt;
}

std::vector<std::string> device_nodes(udev* u, udev_device* parent) {
  std::vector<std::string> nodes;
  UdevEnumeratePtr e(udev_enumerate_new(u));
  if (!e) return nodes;
  udev_enumerate_add_match_parent(e.get(), parent);
  if (udev_enumerate_scan_devices(e.get()) < 0) return nodes;
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    UdevDevicePtr d(udev_device_new_from_syspath(u, udev_list_entry_get_name(entry)));
    if (!d) continue;
    const char* devtype = udev_device_get_devtype(d.get());
    if (devtype && std::strcmp(devtype, "partition") == 0) continue;
    if (const char* node = udev_device_get_devnode(d.get())) nodes.push_back(node);
  }
  return nodes;
}

namespace {

// The class devices of a scsi_device sit right below it, in a folder named
// after their class (scsi_generic/sg0, bsg/0:0:0:0, block/sda, ...): one
// folder read instead of an enumeration of the whole subtree, which on a
// block device runs to hundreds of entries.
std::optional<std::string> child_node(udev* u, udev_device* parent, const char* subsystem) {
  const std::string folder = std::string(udev_device_get_syspath(parent)) + "/" + subsystem;
  DIR* d = opendir(folder.c_str());
  if (!d) return std::nullopt;
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    UdevDevicePtr child(udev_device_new_from_syspath(u, (folder + "/" + name).c_str()));
    if (const char* node = child ? udev_device_get_devnode(child.get()) : nullptr) return node;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CommandNodes::operator()() {
  static constexpr const char* kClasses[] = {"scsi_generic", "bsg", "block", "scsi_tape", "scsi_changer"};
  while (next_ < std::size(kClasses))
    if (auto node = child_node(u_, dev_, kClasses[next_++])) return node;
  return std::nullopt;
}

std::optional<std::string> read_sysfs_text(const std::string& path) {
  std::ifstream in(path);
  std::string s;
  if (!in || !std::getline(in, s)) return std::nullopt;
  return s;
}

std::optional<long long> read_sysfs_int(const std::string& path) { return parse_int(read_sysfs_text(path)); }

Result<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{path + ": " + std::strerror(errno), errno};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::string> read_module_parameter(std::string_view module, std::string_view name) {
  return read_sysfs_text("/sys/module/" + std::string(module) + "/parameters/" + std::string(name));
}

int make_state_folder(const std::string& dir) {
  for (const std::string& d : {dir.substr(0, dir.rfind('/')), dir})
    if (mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) return errno;
  return 0;
}

std::string read_kernel_command_line() {
  std::ifstream in("/proc/cmdline");
  const std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::string(trim_end(s));
}

std::optional<std::chrono::seconds> udev_event_timeout_here() {
  // Read once per run: the watchdog, the batch and each lock wait ask.
  static const std::optional<std::chrono::seconds> timeout = [] {
    if (auto t = udev_event_timeout(read_kernel_command_line())) return t;
    Result<std::string> conf = read_whole_file("/etc/udev/udev.conf");
    return conf ? udev_conf_event_timeout(*conf) : std::nullopt;
  }();
  return timeout;
}

std::chrono::steady_clock::time_point process_started() {
  const auto now = std::chrono::steady_clock::now();
  const auto ticks = process_start_ticks(read_sysfs_text("/proc/self/stat").value_or(""));
  const long hz = sysconf(_SC_CLK_TCK);
  timespec boot{};
  if (!ticks || hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &boot) != 0) return now;
  // starttime counts from boot, on the clock that goes on through suspend.
  const auto since_boot = std::chrono::seconds(boot.tv_sec) + std::chrono::nanoseconds(boot.tv_nsec);
  const auto age = since_boot - std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::duration<double>(static_cast<double>(*ticks) / hz));
  return age > std::chrono::nanoseconds(0) ? now - std::chrono::duration_cast<std::chrono::steady_clock::duration>(age)
                                           : now;
}

std::chrono::steady_clock::time_point run_cut_time(std::optional<std::chrono::seconds> event_timeout) {
  return process_started() + cut_deadline(event_timeout);
}

}  // namespace scsi_probe
