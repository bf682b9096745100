#include "change_log.h"

#include <cstdio>

namespace scsi_probe {

namespace {

constexpr int kFacilityDaemon = 3;

std::string escape_controls(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

std::string change_message(const ChangeRecord& r) {
  std::string m = escape_controls(r.object) + ": " + escape_controls(r.action);
  if (!r.reason.empty()) m += ": " + escape_controls(r.reason);
  return m;
}

std::vector<std::string> journal_fields(const ChangeRecord& r, std::string_view identifier) {
  return {
      "MESSAGE=" + change_message(r),
      "PRIORITY=" + std::to_string(static_cast<int>(r.priority)),
      "SYSLOG_IDENTIFIER=" + std::string(identifier),
      "SYSLOG_FACILITY=" + std::to_string(kFacilityDaemon),
      "SCSI_PROBE_OBJECT=" + escape_controls(r.object),
      "SCSI_PROBE_ACTION=" + escape_controls(r.action),
      "SCSI_PROBE_REASON=" + escape_controls(r.reason),
  };
}

std::string kmsg_record(const ChangeRecord& r, std::string_view identifier, int pid) {
  std::string line = "<";
  line += std::to_string(kFacilityDaemon * 8 + static_cast<int>(r.priority));
  line += ">";
  line += identifier;
  line += "[";
  line += std::to_string(pid);
  line += "]: ";
  line += change_message(r);
  line += "\n";
  return line;
}

LogSink choose_log_sink(bool journal_socket, bool dev_log, bool kmsg_writable) {
  if (journal_socket) return LogSink::kJournal;
  if (dev_log) return LogSink::kSyslog;
  if (kmsg_writable) return LogSink::kKmsg;
  return LogSink::kNone;
}

}  // namespace scsi_probe
