#include "properties.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

TEST(Properties, SetReplacesAndKeepsOrder) {
  Properties p;
  set_property(p, "A", "1");
  set_property(p, "B", "2");
  set_property(p, "A", "3");
  EXPECT_EQ(format_properties(p), "A=3\nB=2\n");
}

TEST(Properties, FindReturnsNullWhenAbsent) {
  Properties p;
  set_property(p, "A", "1");
  ASSERT_NE(find_property(p, "A"), nullptr);
  EXPECT_EQ(*find_property(p, "A"), "1");
  EXPECT_EQ(find_property(p, "B"), nullptr);
}

TEST(Properties, UdevFormatDropsEmptyValuesAndCutsAtNewline) {
  Properties p{{"A", ""}, {"B", "one\ntwo"}, {"", "x"}, {"C", "\nx"}, {"D", "d"}};
  EXPECT_EQ(format_udev_properties(p), "B=one\nD=d\n");
  EXPECT_EQ(format_properties(p), "A=\nB=one\ntwo\n=x\nC=\nx\nD=d\n");
}

// A device's string can start no key of its own, in udev's program output
// (split at LF and CR) nor in the handoff file (lines end at LF, CR, NUL).
TEST(Properties, UdevFormatCutsAtEveryLineEndAndHidesControlBytes) {
  Properties p{{"SCSI_IDENT_PORT_NAME", "naa.X\rID_SERIAL=evil"},
               {"SCSI_IDENT_TARGET_NAME", std::string("\0ID_SERIAL=evil", 15)},
               {"SCSI_PROBE_WARNING", " tab\tesc\x1b del\x7f "}};
  EXPECT_EQ(format_udev_properties(p),
            "SCSI_IDENT_PORT_NAME=naa.X\nSCSI_PROBE_WARNING=tab.esc. del.\n");
}

}  // namespace
}  // namespace scsi_probe
