#include "rescan_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <thread>

#include "sysfs.h"

namespace scsi_probe {

namespace {

std::optional<uint64_t> environment_seqnum() {
  const char* s = std::getenv("SEQNUM");
  return s ? parse_rescan_record(s) : std::nullopt;
}

}  // namespace

TargetRescanLock::TargetRescanLock(const ScsiTarget& t, std::chrono::milliseconds wait) {
  const std::string dir(kRescanLockDir);
  for (const std::string& d : {dir.substr(0, dir.rfind('/')), dir})
    if (mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) return;
  const std::string path = dir + "/" + format_scsi_target(t);
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ < 0) return;
  const auto until = std::chrono::steady_clock::now() + wait;
  while (!(locked_ = flock(fd_, LOCK_EX | LOCK_NB) == 0)) {
    if (errno != EWOULDBLOCK && errno != EINTR) return;
    if (std::chrono::steady_clock::now() >= until) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

TargetRescanLock::~TargetRescanLock() {
  if (fd_ >= 0) close(fd_);
}

RescanGate TargetRescanLock::gate() {
  if (auto now = read_sysfs_text("/sys/kernel/uevent_seqnum")) started_at_ = parse_rescan_record(*now);
  if (!locked_) return {true, "target lock not held: scanned anyway"};
  char buf[32];
  ssize_t n = pread(fd_, buf, sizeof buf, 0);
  std::optional<uint64_t> last =
      n > 0 ? parse_rescan_record(std::string_view(buf, static_cast<std::size_t>(n))) : std::nullopt;
  return decide_rescan(environment_seqnum(), last);
}

void TargetRescanLock::record() {
  if (!locked_ || !started_at_) return;
  const std::string text = format_rescan_record(*started_at_);
  if (ftruncate(fd_, 0) == 0) (void)!pwrite(fd_, text.data(), text.size(), 0);
}

}  // namespace scsi_probe
