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

}  // namespace
}  // namespace scsi_probe
