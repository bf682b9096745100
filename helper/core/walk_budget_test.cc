#include "walk_budget.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

using std::chrono::seconds;

TEST(WalkBudget, EventTimeoutFromTheCommandLine) {
  EXPECT_EQ(udev_event_timeout("root=/dev/sda1 udev.event_timeout=30 quiet"), seconds(30));
  EXPECT_EQ(udev_event_timeout("rd.udev.event_timeout=90\n"), seconds(90));
  EXPECT_EQ(udev_event_timeout("udev.event_timeout=30 udev.event_timeout=45"), seconds(45));
}

TEST(WalkBudget, AbsentOrMalformedTimeoutIsNone) {
  for (std::string_view c : {"", "quiet", "udev.event_timeout=", "udev.event_timeout=abc",
                             "udev.event_timeout=0", "udev.event_timeout=-5", "udev.event_timeout=30s",
                             "xudev.event_timeout=30"})
    EXPECT_FALSE(udev_event_timeout(c)) << c;
}

TEST(WalkBudget, AThirdOfTheEventTimeout) {
  EXPECT_EQ(walk_budget(std::nullopt), seconds(60));
  EXPECT_EQ(walk_budget(seconds(180)), seconds(60));
  EXPECT_EQ(walk_budget(seconds(30)), seconds(10));
  EXPECT_EQ(walk_budget(seconds(600)), seconds(60));
  EXPECT_EQ(walk_budget(seconds(1)), seconds(1));
}

}  // namespace
}  // namespace scsi_probe
