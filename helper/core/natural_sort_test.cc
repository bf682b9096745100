#include "natural_sort.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace scsi_probe {
namespace {

TEST(NaturalSort, NumbersCompareByValue) {
  EXPECT_TRUE(natural_less("0:0:2", "0:0:10"));
  EXPECT_FALSE(natural_less("0:0:10", "0:0:2"));
  EXPECT_TRUE(natural_less("host2", "host10"));
  EXPECT_TRUE(natural_less("2:0:1:9", "2:0:1:49409"));
  EXPECT_TRUE(natural_less("10:0:0:0", "11:0:0:0"));
}

TEST(NaturalSort, TextAndPrefixes) {
  EXPECT_TRUE(natural_less("/dev/sda", "/dev/sg0"));
  EXPECT_TRUE(natural_less("sd", "sda"));
  EXPECT_FALSE(natural_less("sda", "sda"));
  EXPECT_TRUE(natural_less("", "a"));
  EXPECT_FALSE(natural_less("a", ""));
}

TEST(NaturalSort, LeadingZerosOnlyBreakTies) {
  EXPECT_TRUE(natural_less("a01", "a2"));
  EXPECT_TRUE(natural_less("a1", "a01"));
  EXPECT_FALSE(natural_less("a01", "a1"));
  // Longer than any integer type: still by value.
  EXPECT_TRUE(natural_less("x99999999999999999999999", "x100000000000000000000000"));
}

TEST(NaturalSort, SortsAddresses) {
  std::vector<std::string> v = {"0:0:10:0", "0:0:2:1", "0:0:2:0", "10:0:0:0", "2:0:0:0", "0:0:2:10"};
  std::sort(v.begin(), v.end(), [](const auto& x, const auto& y) { return natural_less(x, y); });
  EXPECT_EQ(v, (std::vector<std::string>{"0:0:2:0", "0:0:2:1", "0:0:2:10", "0:0:10:0", "2:0:0:0", "10:0:0:0"}));
}

}  // namespace
}  // namespace scsi_probe
