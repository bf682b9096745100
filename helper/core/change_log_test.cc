#include "change_log.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

ChangeRecord removal() {
  return {LogPriority::kNotice, "2:0:0:1", "remove", "no longer reported and not connected"};
}

TEST(ChangeLog, MessageNamesObjectActionReason) {
  EXPECT_EQ(change_message(removal()), "2:0:0:1: remove: no longer reported and not connected");
  EXPECT_EQ(change_message({LogPriority::kNotice, "host0", "create", ""}), "host0: create");
}

TEST(ChangeLog, ControlBytesNeverSplitARecord) {
  // A reason may quote a device's own strings: none of its bytes may start
  // a new line (or a new record) in any sink.
  for (int c = 0; c < 0x20; ++c) {
    ChangeRecord r = removal();
    r.reason = std::string("a") + static_cast<char>(c) + "b";
    const std::string m = change_message(r);
    for (unsigned char b : m) EXPECT_TRUE(b >= 0x20 && b != 0x7f) << "byte " << c;
    char want[8];
    std::snprintf(want, sizeof want, "a\\x%02xb", c);
    EXPECT_NE(m.find(want), std::string::npos) << m;
  }
  ChangeRecord del = removal();
  del.object = "x\x7fy";
  EXPECT_EQ(change_message(del).substr(0, 6), "x\\x7fy");
}

TEST(ChangeLog, JournalFields) {
  auto f = journal_fields(removal(), "scsi-probe");
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(f[0], "MESSAGE=2:0:0:1: remove: no longer reported and not connected");
  EXPECT_EQ(f[1], "PRIORITY=5");
  EXPECT_EQ(f[2], "SYSLOG_IDENTIFIER=scsi-probe");
  EXPECT_EQ(f[3], "SYSLOG_FACILITY=3");
  EXPECT_EQ(f[4], "SCSI_PROBE_OBJECT=2:0:0:1");
  EXPECT_EQ(f[5], "SCSI_PROBE_ACTION=remove");
  EXPECT_EQ(f[6], "SCSI_PROBE_REASON=no longer reported and not connected");
}

TEST(ChangeLog, KmsgRecordCarriesDaemonFacility) {
  EXPECT_EQ(kmsg_record(removal(), "scsi-probe", 42),
            "<29>scsi-probe[42]: 2:0:0:1: remove: no longer reported and not connected\n");
  ChangeRecord w = removal();
  w.priority = LogPriority::kWarning;
  EXPECT_EQ(kmsg_record(w, "scsi-probe", 1).substr(0, 4), "<28>");
}

TEST(ChangeLog, SinkPreference) {
  EXPECT_EQ(choose_log_sink(true, true, true), LogSink::kJournal);
  EXPECT_EQ(choose_log_sink(false, true, true), LogSink::kSyslog);
  EXPECT_EQ(choose_log_sink(false, false, true), LogSink::kKmsg);
  EXPECT_EQ(choose_log_sink(false, false, false), LogSink::kNone);
}

}  // namespace
}  // namespace scsi_probe
