#include "rescan_report.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

DeviceSnapshot disk(uint64_t size, std::string kept = {}) {
  return {"disk", "Linux", "scsi_debug", size, std::move(kept)};
}

TEST(RescanReport, AddedRemovedResizedAndLeftAlone) {
  DeviceSet before{{{0, 0, 0, 0}, disk(8 << 20)}, {{0, 0, 0, 1}, disk(8 << 20)}, {{0, 0, 0, 2}, disk(8 << 20)}};
  DeviceSet after{{{0, 0, 0, 0}, disk(8 << 20)}, {{0, 0, 0, 2}, disk(16 << 20)}, {{0, 0, 0, 3}, disk(8 << 20)}};
  RescanReport r = report_rescan(before, after, {{"0:0:0", true, "REPORT LUNS via LUN 0: 3 LUN(s)"}}, true);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.lines, (std::vector<std::string>{
                         "resized  0:0:0:2  8.39MB -> 16.8MB",
                         "added    0:0:0:3  disk Linux scsi_debug, 8.39MB",
                         "removed  0:0:0:1  disk Linux scsi_debug, 8.39MB",
                         "scanned  0:0:0  REPORT LUNS via LUN 0: 3 LUN(s)",
                         "1 added, 1 removed, 1 resized, 1 left alone",
                     }));
}

TEST(RescanReport, KeptDevicesAndFailures) {
  DeviceSet both{{{1, 0, 2, 0}, disk(1 << 30, "in use: mounted at /srv")}};
  RescanReport r = report_rescan(both, both, {{"host1", false, ""}}, false);
  EXPECT_TRUE(r.failed);
  ASSERT_EQ(r.lines.size(), 4u);
  EXPECT_EQ(r.lines[0], "kept     1:0:2:0  in use: mounted at /srv");
  EXPECT_EQ(r.lines[1].rfind("failed   host1", 0), 0u);
  EXPECT_EQ(r.lines[2].rfind("timeout", 0), 0u);
  EXPECT_EQ(r.lines[3], "0 added, 0 removed, 0 resized, 1 left alone");
}

TEST(RescanReport, DryRunSaysWhatWouldChangeAndMarksItself) {
  DeviceSet now{{{0, 0, 0, 0}, disk(8 << 20)}, {{0, 0, 0, 1}, disk(8 << 20)}, {{0, 0, 0, 2}, disk(8 << 20)}};
  DryRunRecord rec;
  rec.add = {{{0, 0, 0, 4}, "listed by REPORT LUNS via LUN 0"}, {{0, 0, 0, 3}, "listed by REPORT LUNS via LUN 0"}};
  rec.remove = {{{0, 0, 0, 2}, "no longer reported, confirmed gone twice 5 s apart"}};
  rec.keep = {{"0:0:0:1", "no longer reported; not deleted: in use: mounted at /srv"}};
  rec.scanned = {{"0:0:0", "REPORT LUNS via LUN 0: 3 LUN(s)"}};
  rec.unknown = {{"host0", "new targets: ..."}};
  EXPECT_EQ(report_dry_run(now, rec), (std::vector<std::string>{
                                          "dry run: nothing is changed; a rescan would do what follows",
                                          "add      0:0:0:3  listed by REPORT LUNS via LUN 0",
                                          "add      0:0:0:4  listed by REPORT LUNS via LUN 0",
                                          "remove   0:0:0:2  no longer reported, confirmed gone twice 5 s apart",
                                          "keep     0:0:0:1  no longer reported; not deleted: in use: mounted at /srv",
                                          "scanned  0:0:0  REPORT LUNS via LUN 0: 3 LUN(s)",
                                          "unknown  host0  new targets: ...",
                                          "2 to add, 1 to remove, 2 left alone (dry run: nothing was changed)",
                                      }));
}

TEST(RescanReport, ProgressOnlyOnceTheRescanTakesLong) {
  using std::chrono::milliseconds;
  EXPECT_EQ(format_rescan_progress({milliseconds(999), 3, 0, 1}), "");
  EXPECT_EQ(format_rescan_progress({milliseconds(12500), 37, 1, 2}),
            "rescanning: 37 LUN(s) added, 1 removed so far, waiting for 2 event(s) of this rescan, 12 s");
  EXPECT_EQ(format_rescan_progress({milliseconds(1000), 0, 0, 0}),
            "rescanning: 0 LUN(s) added, 0 removed so far, waiting for udev's queue, 1 s");
}

}  // namespace
}  // namespace scsi_probe
