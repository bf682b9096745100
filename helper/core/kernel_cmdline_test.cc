#include "kernel_cmdline.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

TEST(KernelCmdline, SplitsAsNextArg) {
  auto w = split_kernel_cmdline("  ro\tquiet root=/dev/vda1\nfoo=\"a b\" \"bar=c d\" x=\"e\"f\"");
  ASSERT_EQ(w.size(), 6u);
  EXPECT_EQ(w[0].name, "ro");
  EXPECT_FALSE(w[0].value);
  EXPECT_EQ(w[2].name, "root");
  EXPECT_EQ(w[2].value, "/dev/vda1");
  EXPECT_EQ(w[3].name, "foo");
  EXPECT_EQ(w[3].value, "a b");
  EXPECT_EQ(w[4].name, "bar");
  EXPECT_EQ(w[4].value, "c d");
  // Only the quote opening the value and the one ending the word go.
  EXPECT_EQ(w[5].value, "e\"f");
}

TEST(KernelCmdline, StopsAtDoubleDash) {
  auto w = split_kernel_cmdline("a=1 -- b=2");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(split_kernel_cmdline("\"--\" b").size(), 2u);
  EXPECT_TRUE(split_kernel_cmdline("").empty());
  EXPECT_TRUE(split_kernel_cmdline(" \t\r\n").empty());
}

TEST(KernelCmdline, UnterminatedQuoteRunsToTheEnd) {
  auto w = split_kernel_cmdline("a=\"b c");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].value, "b c");
}

TEST(KernelCmdline, NamesCompareDashAndUnderscoreAlike) {
  EXPECT_TRUE(parameter_name_equals("scsi_mod.dev-flags", "scsi_mod.dev_flags"));
  EXPECT_FALSE(parameter_name_equals("scsi_mod.dev_flag", "scsi_mod.dev_flags"));
}

}  // namespace
}  // namespace scsi_probe
