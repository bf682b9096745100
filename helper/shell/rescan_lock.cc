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
#include "text.h"
#include "walk_budget.h"

namespace scsi_probe {

std::optional<uint64_t> event_seqnum() {
  const char* s = std::getenv("SEQNUM");
  return s ? parse_seqnum(s) : std::nullopt;
}

std::string target_lock_path(const ScsiTarget& t) { return concat({kTargetLockDir, "/", format_scsi_target(t)}); }

std::string host_lock_path(unsigned host) { return concat({kHostLockDir, "/", host_sysname(host)}); }

bool kernel_reports_scans() {
  struct stat st;
  return stat(kKernelReportsScans, &st) == 0;
}

void note_kernel_reports_scans(std::string_view what) {
  const std::string path = kKernelReportsScans;
  if (make_state_folder(path.substr(0, path.rfind('/')))) return;
  const int fd = open(kKernelReportsScans, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return;  // there already, or /run not writable: nothing to do
  const std::string line = concat({what, "\n"});
  // The text is a courtesy to whoever looks; the file's presence is the fact.
  [[maybe_unused]] const ssize_t written = write(fd, line.data(), line.size());
  close(fd);
}

namespace {

// flock() `operation` on `fd`, retried for at most `wait`.
bool lock_within(int fd, int operation, std::chrono::milliseconds wait) {
  const auto until = std::chrono::steady_clock::now() + wait;
  while (flock(fd, operation | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return false;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

std::chrono::milliseconds rescan_lock_wait() { return target_batch_time(udev_event_timeout_here()); }

bool await_target_scan(const ScsiTarget& t, std::chrono::milliseconds wait) {
  const int fd = open(target_lock_path(t).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return true;  // no scan of it ever ran
  const bool free = lock_within(fd, LOCK_SH, wait);
  close(fd);
  return free;
}

RescanLock::RescanLock(const std::string& path, std::chrono::milliseconds wait) {
  if (make_state_folder(path.substr(0, path.rfind('/')))) return;
  fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd_ >= 0) locked_ = lock_within(fd_, LOCK_EX, wait);
}

RescanLock::~RescanLock() {
  if (fd_ >= 0) close(fd_);
}

RescanGate RescanLock::gate() {
  restart();
  if (!locked_) return {true, "lock not held: scanned anyway"};
  return decide_rescan(event_seqnum(), last());
}

RescanRecord RescanLock::last() const {
  if (!locked_) return {};
  struct stat st {};
  std::string buf(fstat(fd_, &st) == 0 ? static_cast<std::size_t>(st.st_size) : 0, '\0');
  ssize_t n = buf.empty() ? 0 : pread(fd_, buf.data(), buf.size(), 0);
  return parse_rescan_record(std::string_view(buf.data(), n > 0 ? static_cast<std::size_t>(n) : 0));
}

void RescanLock::restart() {
  if (auto now = read_sysfs_text("/sys/kernel/uevent_seqnum")) started_at_ = parse_seqnum(*now);
}

void RescanLock::record() {
  if (!locked_ || !started_at_) return;
  const std::string text = format_rescan_record({started_at_});
  if (ftruncate(fd_, 0) == 0) (void)!pwrite(fd_, text.data(), text.size(), 0);
}

}  // namespace scsi_probe
