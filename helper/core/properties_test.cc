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

// udev keeps a key's last value; a key's empty value sets nothing.
TEST(Properties, UdevFormatPrintsEachKeyOnceWithItsLastValue) {
  Properties p{{"A", "1"}, {"B", "b"}, {"A", "2"}, {"C", "c"}, {"A", "3"}, {"C", ""}};
  EXPECT_EQ(format_udev_properties(p), "B=b\nC=c\nA=3\n");
  EXPECT_EQ(udev_lines(p), (Properties{{"B", "b"}, {"C", "c"}, {"A", "3"}}));
  // A line udev drops (a quote opened, never closed) does not replace the
  // value before it.
  Properties q{{"T10", "abc"}, {"T10", "\"x"}, {"N", "'q'"}, {"M", "'"}};
  EXPECT_EQ(format_udev_properties(q), "T10=abc\nN='q'\n");
}

// A page 0x83 of 200 designators of one type: one line, the last.
TEST(Properties, UdevFormatStaysWithinWhatUdevReads) {
  Properties p;
  for (int i = 0; i < 200; i++) p.push_back({"SCSI_IDENT_LUN_T10", std::string(250, 'a' + i % 26)});
  p.push_back({"SCSI_PROBE_ATTACH", "sd"});
  const std::string out = format_udev_properties(p);
  EXPECT_EQ(out, "SCSI_IDENT_LUN_T10=" + std::string(250, 'a' + 199 % 26) + "\nSCSI_PROBE_ATTACH=sd\n");
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
