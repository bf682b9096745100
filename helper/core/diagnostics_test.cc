#include "diagnostics.h"

#include <sstream>

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

std::string line(std::string_view verb, std::string_view object) {
  std::ostringstream err;
  diag(err, verb, object) << "text";
  return err.str();
}

TEST(Diagnostics, OneShapeForEveryRun) {
  EXPECT_EQ(line("target", "2:0:1"), "scsi-probe target 2:0:1: text");
  EXPECT_EQ(line("show", ""), "scsi-probe show: text");
  EXPECT_EQ(line("", ""), "scsi-probe: text");
}

}  // namespace
}  // namespace scsi_probe
