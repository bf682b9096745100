// What an administrator's log gets when scsi-probe changes the machine: a
// scan write that created devices, a LUN removed, a driver bound or unbound,
// a device handler attached, a fallback to the kernel, input that was
// ignored. udevd logs a program's stderr at debug level only, so these go
// to the journal (with fields to filter on), syslog, or /dev/kmsg in an
// initramfs (system_log.h picks the sink). This part only formats.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace scsi_probe {

// syslog(3) priorities; facility LOG_DAEMON.
enum class LogPriority { kErr = 3, kWarning = 4, kNotice = 5, kInfo = 6 };

struct ChangeRecord {
  LogPriority priority = LogPriority::kNotice;
  std::string object;  // "2:0:0:1", "target2:0:0", "host2"
  std::string action;  // "create", "remove", "bind sd", "unbind", "keep", "fallback", ...
  std::string reason;  // why, in a few words
};

// "2:0:0:1: remove: no longer reported" with every byte below 0x20 and DEL
// shown as "\xNN": one record is one log line, whatever a device said.
std::string change_message(const ChangeRecord& r);

// The journal entry: MESSAGE, PRIORITY, SYSLOG_IDENTIFIER, SYSLOG_FACILITY
// and SCSI_PROBE_OBJECT, SCSI_PROBE_ACTION, SCSI_PROBE_REASON to filter on
// (`journalctl SCSI_PROBE_ACTION=remove`).
std::vector<std::string> journal_fields(const ChangeRecord& r, std::string_view identifier);

// One /dev/kmsg record: "<PRI>identifier[pid]: message\n", PRI with the
// daemon facility as syslog would send it.
std::string kmsg_record(const ChangeRecord& r, std::string_view identifier, int pid);

// Where records go: the journal where journald listens, else syslog where
// something listens on /dev/log, else the kernel log (an initramfs without
// either), else nowhere but stderr.
enum class LogSink { kJournal, kSyslog, kKmsg, kNone };
LogSink choose_log_sink(bool journal_socket, bool dev_log, bool kmsg_writable);

}  // namespace scsi_probe
