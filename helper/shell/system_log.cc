#include "system_log.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdlib>

namespace scsi_probe {

namespace {

constexpr const char* kIdentifier = "scsi-probe";

bool exists(const char* path) {
  struct stat st;
  return stat(path, &st) == 0;
}

// libsystemd pulls in compression and crypto libraries: opened only when a
// record is sent, as libkmod is, so the runs that change nothing do not pay.
bool send_journal(const ChangeRecord& r) {
  static decltype(&sd_journal_sendv) sendv = [] {
    void* lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    return lib ? reinterpret_cast<decltype(&sd_journal_sendv)>(dlsym(lib, "sd_journal_sendv")) : nullptr;
  }();
  if (!sendv) return false;
  auto fields = journal_fields(r, kIdentifier);
  std::vector<iovec> iov;
  for (auto& f : fields) iov.push_back({f.data(), f.size()});
  return sendv(iov.data(), static_cast<int>(iov.size())) >= 0;
}

bool send_syslog(const ChangeRecord& r) {
  static bool opened = (openlog(kIdentifier, LOG_PID, LOG_DAEMON), true);
  (void)opened;
  syslog(static_cast<int>(r.priority), "%s", change_message(r).c_str());
  return true;
}

bool send_kmsg(const ChangeRecord& r) {
  int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return false;
  std::string line = kmsg_record(r, kIdentifier, static_cast<int>(getpid()));
  bool ok = write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  close(fd);
  return ok;
}

}  // namespace

void log_change(const ChangeRecord& r) {
  static const LogSink sink = choose_log_sink(exists("/run/systemd/journal/socket"), exists("/dev/log"),
                                              access("/dev/kmsg", W_OK) == 0);
  switch (sink) {
    case LogSink::kJournal:
      if (send_journal(r)) return;
      [[fallthrough]];
    case LogSink::kSyslog:
      if (exists("/dev/log") && send_syslog(r)) return;
      [[fallthrough]];
    case LogSink::kKmsg:
      send_kmsg(r);
      return;
    case LogSink::kNone:
      return;
  }
}

}  // namespace scsi_probe
