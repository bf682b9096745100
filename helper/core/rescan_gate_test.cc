#include "rescan_gate.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

RescanRecord at(uint64_t seqnum, std::vector<uint64_t> collected = {}) { return {seqnum, std::move(collected)}; }

TEST(RescanGate, RecordRoundTrips) {
  for (const RescanRecord& r : {at(0), at(18446744073709551615ull), at(4711, {1, 2, 16383})}) {
    RescanRecord back = parse_rescan_record(format_rescan_record(r));
    EXPECT_EQ(back.started_at, r.started_at);
    EXPECT_EQ(back.collected, r.collected);
  }
  EXPECT_EQ(format_rescan_record(at(7, {3, 5})), "7\ncollected 3 5\n");
  EXPECT_EQ(parse_rescan_record("4711").started_at, 4711u);
  EXPECT_EQ(format_rescan_record({}), "");
}

TEST(RescanGate, MalformedRecordIsNone) {
  for (std::string_view t : {"", "\n", "12x\n", "-1\n", " 12\n", "99999999999999999999\n", "12\ncollected x\n",
                             "12\nsomething 3\n", "12\ncollected 3"}) {
    RescanRecord r = parse_rescan_record(t);
    EXPECT_FALSE(r.started_at) << t;
    EXPECT_TRUE(r.collected.empty()) << t;
  }
}

TEST(RescanGate, EventBeforeTheLastRescanStartedIsAnswered) {
  RescanRecord r = at(120);
  RescanGate g = decide_rescan({100, std::nullopt}, r);
  EXPECT_FALSE(g.rescan);
  EXPECT_NE(g.reason.find("answered"), std::string::npos);
  // The rescan read the sequence number after this event was raised.
  EXPECT_FALSE(decide_rescan({120, 3}, r).rescan);
  EXPECT_FALSE(g.record_changed);
}

TEST(RescanGate, EventAfterTheLastRescanStartedRescans) {
  RescanRecord r = at(120);
  EXPECT_TRUE(decide_rescan({121, std::nullopt}, r).rescan);
  EXPECT_TRUE(decide_rescan({121, 4}, r).rescan);
}

TEST(RescanGate, NoEventOrNoRecordRescans) {
  RescanRecord r = at(120), none;
  EXPECT_TRUE(decide_rescan({std::nullopt, 2}, r).rescan);
  EXPECT_TRUE(decide_rescan({100, 2}, none).rescan);
}

TEST(RescanGate, CollectedUnitAttentionAnswersItsOneEvent) {
  RescanRecord r = at(120, {1, 2, 3});
  RescanGate g = decide_rescan({130, 2}, r);
  EXPECT_FALSE(g.rescan);
  EXPECT_TRUE(g.record_changed);
  EXPECT_EQ(g.reason, "answered by the rescan at uevent 120, which collected LUN 2's unit attention itself "
                      "(event 130)");
  EXPECT_EQ(r.collected, (std::vector<uint64_t>{1, 3}));
  // A second unit attention on that LUN is a change of its own.
  EXPECT_TRUE(decide_rescan({140, 2}, r).rescan);
  // Other events after the rescan are not answered by what it collected.
  EXPECT_TRUE(decide_rescan({141, std::nullopt}, r).rescan);
  EXPECT_TRUE(decide_rescan({142, 9}, r).rescan);
}

TEST(RescanGate, CollectsOnlyWhereNoUpperDriverNeedsTheUnitAttention) {
  for (uint8_t type : {0x00, 0x03, 0x0c, 0x0d, 0x0e}) {
    EXPECT_TRUE(may_collect_unit_attention(type, false)) << int(type);
    EXPECT_FALSE(may_collect_unit_attention(type, true)) << int(type);
  }
  for (uint8_t type : {0x01, 0x05, 0x07, 0x08}) EXPECT_FALSE(may_collect_unit_attention(type, false)) << int(type);
}

TEST(RescanGate, InventoryChangeSense) {
  const std::vector<uint8_t> fixed = {0x70, 0, 0x06, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x3f, 0x0e, 0, 0, 0, 0};
  const std::vector<uint8_t> descriptor = {0x72, 0x06, 0x3f, 0x0e, 0, 0, 0, 0};
  EXPECT_TRUE(is_inventory_change(fixed));
  EXPECT_TRUE(is_inventory_change(descriptor));
  // Power on, reset (29h/00h), a capacity change (2Ah/09h), NOT READY with 3Fh/0Eh, nothing.
  EXPECT_FALSE(is_inventory_change(std::vector<uint8_t>{0x72, 0x06, 0x29, 0x00, 0, 0, 0, 0}));
  EXPECT_FALSE(is_inventory_change(std::vector<uint8_t>{0x72, 0x06, 0x2a, 0x09, 0, 0, 0, 0}));
  EXPECT_FALSE(is_inventory_change(std::vector<uint8_t>{0x72, 0x02, 0x3f, 0x0e, 0, 0, 0, 0}));
  EXPECT_FALSE(is_inventory_change({}));
  EXPECT_FALSE(is_inventory_change(std::vector<uint8_t>{0x00, 0x06}));
}

}  // namespace
}  // namespace scsi_probe
