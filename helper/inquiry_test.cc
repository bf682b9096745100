#include "inquiry.h"

#include <gtest/gtest.h>

#include <vector>

namespace scsi_probe {
namespace {

TEST(StandardInquiry, EmptyIsNothing) {
  EXPECT_FALSE(parse_standard_inquiry({}).has_value());
}

}  // namespace
}  // namespace scsi_probe
