#include "address_pattern.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

TEST(AddressPattern, WildcardsPerField) {
  auto p = parse_address_pattern("2:*:-:0");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->matches({2, 0, 7, 0}));
  EXPECT_TRUE(p->matches({2, 1, 0, 0}));
  EXPECT_FALSE(p->matches({2, 0, 7, 1}));
  EXPECT_FALSE(p->matches({3, 0, 7, 0}));
  EXPECT_TRUE(p->matches_target({2, 5, 5}));
  EXPECT_FALSE(p->any_below_target());
  EXPECT_FALSE(p->any_below_host());
}

TEST(AddressPattern, MissingTrailingFieldsAreWildcards) {
  auto h = parse_address_pattern("10");
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->matches({10, 0, 3, 49409}));
  EXPECT_FALSE(h->matches({1, 0, 3, 0}));
  EXPECT_TRUE(h->any_below_host());
  auto t = parse_address_pattern("0:0:2");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->matches({0, 0, 2, 5}));
  EXPECT_FALSE(t->matches({0, 0, 20, 5}));
  EXPECT_FALSE(t->matches_host(1));
  EXPECT_TRUE(t->any_below_target());
  EXPECT_FALSE(t->any_below_host());
}

TEST(AddressPattern, LunsBeyond32Bits) {
  auto p = parse_address_pattern("*:*:*:281474976710656");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->matches({0, 0, 0, 281474976710656ULL}));
  EXPECT_FALSE(p->matches({0, 0, 0, 0}));
}

TEST(AddressPattern, RejectsWhatIsNoPattern) {
  EXPECT_FALSE(parse_address_pattern("1:0:0:0"));  // a device name, found as one
  EXPECT_FALSE(parse_address_pattern("host2"));
  EXPECT_FALSE(parse_address_pattern("/dev/sda"));
  EXPECT_FALSE(parse_address_pattern(""));
  EXPECT_FALSE(parse_address_pattern("1::0"));
  EXPECT_FALSE(parse_address_pattern("1:0:0:0:0"));
  EXPECT_FALSE(parse_address_pattern("1:0:x:*"));
  EXPECT_FALSE(parse_address_pattern("-1:*"));
  EXPECT_FALSE(parse_address_pattern("99999999999:*"));  // beyond unsigned
}

}  // namespace
}  // namespace scsi_probe
