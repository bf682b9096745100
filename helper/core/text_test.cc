#include "text.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

TEST(Text, Blanks) {
  EXPECT_TRUE(is_blank(' '));
  EXPECT_TRUE(is_blank('\t'));
  EXPECT_FALSE(is_blank('\n'));
  EXPECT_FALSE(is_blank('x'));
}

TEST(Text, Trims) {
  EXPECT_EQ(trim(" \tab c\r\n"), "ab c");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("  x  ", " "), "x");
  EXPECT_EQ(trim("\tx\t", " "), "\tx\t");
}

TEST(Text, TrimsTheEndOnly) {
  EXPECT_EQ(trim_end("QEMU    \n\n"), "QEMU    ");
  EXPECT_EQ(trim_end(" a \n", "\n "), " a");
  EXPECT_EQ(trim_end("\n\n"), "");
  EXPECT_EQ(trim_end(""), "");
}

TEST(Text, SplitsWords) {
  EXPECT_EQ(split_words("  a\tbb  c "), (std::vector<std::string_view>{"a", "bb", "c"}));
  EXPECT_EQ(split_words("a\nb c", " \t"), (std::vector<std::string_view>{"a\nb", "c"}));
  EXPECT_EQ(split_words("a\nb c", " \t\n"), (std::vector<std::string_view>{"a", "b", "c"}));
  EXPECT_TRUE(split_words(" \t ").empty());
  EXPECT_TRUE(split_words("").empty());
}

TEST(Text, Lowercase) { EXPECT_EQ(lowercase("IQN.2003-01.Org\xc3"), "iqn.2003-01.org\xc3"); }

TEST(Text, Hex) {
  const uint8_t bytes[] = {0x60, 0x0a, 0x0b, 0xff};
  EXPECT_EQ(hex_string(bytes), "600a0bff");
  EXPECT_EQ(hex_string({}), "");
  EXPECT_EQ(hex_number(0), "0x0");
  EXPECT_EQ(hex_number(0xc101), "0xc101");
  EXPECT_EQ(hex_number(0x5, 2), "0x05");
  EXPECT_EQ(hex_number(~0ull), "0xffffffffffffffff");
}

TEST(Text, Join) {
  EXPECT_EQ(join({}), "");
  EXPECT_EQ(join({"a"}), "a");
  EXPECT_EQ(join({"a", "b", "c"}), "a; b; c");
  EXPECT_EQ(join({"a", "b"}, " "), "a b");
}

TEST(Text, Concat) {
  EXPECT_EQ(concat({"host", std::to_string(2), ": ", std::string_view("a\0b", 3)}), std::string("host2: a\0b", 10));
  EXPECT_EQ(concat({}), "");
}

}  // namespace
}  // namespace scsi_probe
