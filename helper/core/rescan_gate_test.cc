#include "rescan_gate.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

TEST(RescanGate, RecordRoundTrips) {
  EXPECT_EQ(parse_rescan_record(format_rescan_record(0)), 0u);
  EXPECT_EQ(parse_rescan_record(format_rescan_record(18446744073709551615ull)), 18446744073709551615ull);
  EXPECT_EQ(parse_rescan_record("4711"), 4711u);
}

TEST(RescanGate, MalformedRecordIsNone) {
  for (std::string_view t : {"", "\n", "12x\n", "-1\n", " 12\n", "12\n\n", "99999999999999999999\n"})
    EXPECT_FALSE(parse_rescan_record(t)) << t;
}

TEST(RescanGate, EventBeforeTheLastRescanStartedIsAnswered) {
  RescanGate g = decide_rescan(100, 120);
  EXPECT_FALSE(g.rescan);
  EXPECT_NE(g.reason.find("answered"), std::string::npos);
  // The rescan read the sequence number after this event was raised.
  EXPECT_FALSE(decide_rescan(120, 120).rescan);
}

TEST(RescanGate, EventAfterTheLastRescanStartedRescans) {
  EXPECT_TRUE(decide_rescan(121, 120).rescan);
}

TEST(RescanGate, NoEventOrNoRecordRescans) {
  EXPECT_TRUE(decide_rescan(std::nullopt, 120).rescan);
  EXPECT_TRUE(decide_rescan(100, std::nullopt).rescan);
}

}  // namespace
}  // namespace scsi_probe
