#include "walk_budget.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

using std::chrono::seconds;

TEST(WalkBudget, EventTimeoutFromTheCommandLine) {
  EXPECT_EQ(udev_event_timeout("root=/dev/sda1 udev.event_timeout=30 quiet"), seconds(30));
  EXPECT_EQ(udev_event_timeout("rd.udev.event_timeout=90\n"), seconds(90));
  EXPECT_EQ(udev_event_timeout("udev.event_timeout=30 udev.event_timeout=45"), seconds(45));
  EXPECT_EQ(udev_event_timeout("udev.event-timeout=20"), seconds(20));
}

TEST(WalkBudget, EventTimeoutFromUdevConf) {
  EXPECT_EQ(udev_conf_event_timeout("# see udev.conf(5)\n#event_timeout=180\nudev_log=info\n"), std::nullopt);
  EXPECT_EQ(udev_conf_event_timeout("udev_log=info\n  event_timeout = 60 \n"), seconds(60));
  EXPECT_EQ(udev_conf_event_timeout("event_timeout=\"45\"\nevent_timeout='50'"), seconds(50));
  EXPECT_EQ(udev_conf_event_timeout("event_timeout=0\nevent_timeout=x\nevent_timeouts=9\n"), std::nullopt);
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

TEST(WalkBudget, ProcessStartFromProcStat) {
  EXPECT_EQ(process_start_ticks("4242 (scsi-probe) S 1 4242 4242 0 -1 4194560 120 0 0 0 1 0 0 0 20 0 1 0 "
                                "98765 10000000 300 18446744073709551615\n"),
            98765u);
  // A command name with blanks and parentheses of its own.
  EXPECT_EQ(process_start_ticks("7 (a) b (c) R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0"), 12u);
  for (std::string_view bad : {"", "4242 (scsi-probe) S 1 2 3", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 -5 0",
                               "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12x 0", "no parenthesis"})
    EXPECT_FALSE(process_start_ticks(bad)) << bad;
}

// The default timeout keeps the 30 s batch a target run always had.
TEST(WalkBudget, TargetBatchASixthOfTheEventTimeout) {
  EXPECT_EQ(target_batch_time(std::nullopt), seconds(30));
  EXPECT_EQ(target_batch_time(seconds(600)), seconds(30));
  EXPECT_EQ(target_batch_time(seconds(15)), seconds(2));
  EXPECT_EQ(target_batch_time(seconds(3)), seconds(1));
}

// The cut comes after a batch, and before the kill.
TEST(WalkBudget, CutAtTwoThirdsOfTheEventTimeout) {
  EXPECT_EQ(cut_deadline(std::nullopt), seconds(120));
  EXPECT_EQ(cut_deadline(seconds(15)), seconds(10));
  EXPECT_EQ(cut_deadline(seconds(1)), seconds(1));
  EXPECT_EQ(describe_cut(seconds(15)), "run cut at 10 s (udev kills it at 15 s)");
  for (long t : {6L, 15L, 45L, 180L, 600L}) {
    EXPECT_LT(cut_deadline(seconds(t)), seconds(t)) << t;
    EXPECT_GT(cut_deadline(seconds(t)), target_batch_time(seconds(t))) << t;
  }
}

}  // namespace
}  // namespace scsi_probe
