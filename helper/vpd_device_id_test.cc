#include "vpd_device_id.h"

#include <gtest/gtest.h>

#include <vector>

namespace scsi_probe {
namespace {

TEST(DeviceIdPage, WrongPageIsEmpty) {
  std::vector<uint8_t> p{0, 0x80, 0, 0};
  EXPECT_TRUE(parse_device_id_page(p).designators.empty());
}

}  // namespace
}  // namespace scsi_probe
