#include "rescan_gate.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

RescanRecord at(uint64_t seqnum) { return {seqnum}; }

TEST(RescanGate, RecordRoundTrips) {
  for (const RescanRecord& r : {at(0), at(18446744073709551615ull), at(4711)})
    EXPECT_EQ(parse_rescan_record(format_rescan_record(r)).started_at, r.started_at);
  EXPECT_EQ(format_rescan_record(at(7)), "7\n");
  EXPECT_EQ(parse_rescan_record("4711").started_at, 4711u);
  EXPECT_EQ(format_rescan_record({}), "");
  // A record of an older version, with the LUNs it collected on a second line.
  EXPECT_EQ(parse_rescan_record("12\ncollected 3 5\n").started_at, 12u);
}

TEST(RescanGate, MalformedRecordIsNone) {
  for (std::string_view t : {"", "\n", "12x\n", "-1\n", " 12\n", "99999999999999999999\n", "\n12\n"})
    EXPECT_FALSE(parse_rescan_record(t).started_at) << t;
}

TEST(RescanGate, EventBeforeTheLastRescanStartedIsAnswered) {
  RescanGate g = decide_rescan(100, at(120));
  EXPECT_FALSE(g.rescan);
  EXPECT_EQ(g.reason, "answered by the rescan that started after this event (event 100, rescan at uevent 120)");
  // The rescan read the sequence number after this event was raised.
  EXPECT_FALSE(decide_rescan(120, at(120)).rescan);
}

TEST(RescanGate, EventAfterTheLastRescanStartedRescans) {
  RescanGate g = decide_rescan(121, at(120));
  EXPECT_TRUE(g.rescan);
  EXPECT_EQ(g.reason, "event 121 came after the last rescan started (uevent 120)");
}

TEST(RescanGate, NoEventOrNoRecordRescans) {
  EXPECT_TRUE(decide_rescan(std::nullopt, at(120)).rescan);
  EXPECT_TRUE(decide_rescan(100, RescanRecord{}).rescan);
}

TEST(RescanGate, InventoryChangeEvent) {
  EXPECT_EQ(inventory_change_event("change", "2:0:3:16384", "REPORTED_LUNS_DATA_HAS_CHANGED"),
            (ScsiAddress{2, 0, 3, 16384}));
  // Other unit attentions, other actions, objects that are not a scsi_device.
  EXPECT_FALSE(inventory_change_event("change", "2:0:3:1", "CAPACITY_DATA_HAS_CHANGED"));
  EXPECT_FALSE(inventory_change_event("change", "2:0:3:1", ""));
  EXPECT_FALSE(inventory_change_event("add", "2:0:3:1", "REPORTED_LUNS_DATA_HAS_CHANGED"));
  EXPECT_FALSE(inventory_change_event("change", "target2:0:3", "REPORTED_LUNS_DATA_HAS_CHANGED"));
  EXPECT_FALSE(inventory_change_event("change", "sdb", "REPORTED_LUNS_DATA_HAS_CHANGED"));
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
