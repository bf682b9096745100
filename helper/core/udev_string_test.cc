#include "udev_string.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace scsi_probe {
namespace {

using namespace std::string_literals;

TEST(CString, EndsAtFirstNul) {
  EXPECT_EQ(c_string("AB\0CD"s), "AB");
  EXPECT_EQ(c_string("\0AB"s), "");
  EXPECT_EQ(c_string("ABC"), "ABC");
}

TEST(UdevPlainChar, ExactlyAlnumAndSeven) {
  std::string plain;
  for (int c = 1; c < 256; c++)
    if (udev_plain_char(static_cast<char>(c))) plain += static_cast<char>(c);
  EXPECT_EQ(plain,
            "#+-.0123456789:=@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");
}

TEST(Utf8, MultibyteLengths) {
  EXPECT_EQ(utf8_multibyte_length("A"), 0u);
  EXPECT_EQ(utf8_multibyte_length("\xc3\xbc"), 2u);          // U+00FC
  EXPECT_EQ(utf8_multibyte_length("\xe2\x82\xac"), 3u);      // U+20AC
  EXPECT_EQ(utf8_multibyte_length("\xf0\x9f\x98\x80"), 4u);  // U+1F600
  EXPECT_EQ(utf8_multibyte_length("\xf4\x8f\xbf\xbd"), 4u);  // U+10FFFD
}

TEST(Utf8, RejectsWhatSystemdRejects) {
  EXPECT_EQ(utf8_multibyte_length("\xc3"), 0u);                  // cut short
  EXPECT_EQ(utf8_multibyte_length("\xc3("), 0u);                 // bad continuation
  EXPECT_EQ(utf8_multibyte_length("\x80\x80"), 0u);              // lone continuation
  EXPECT_EQ(utf8_multibyte_length("\xc0\xaf"), 0u);              // overlong '/'
  EXPECT_EQ(utf8_multibyte_length("\xe0\x80\xaf"), 0u);          // overlong
  EXPECT_EQ(utf8_multibyte_length("\xed\xa0\x80"), 0u);          // surrogate
  EXPECT_EQ(utf8_multibyte_length("\xf4\x90\x80\x80"), 0u);      // above U+10FFFF
  EXPECT_EQ(utf8_multibyte_length("\xef\xbf\xbe"), 0u);          // U+FFFE
  EXPECT_EQ(utf8_multibyte_length("\xf0\x9f\xbf\xbf"), 0u);      // U+1FFFF
  EXPECT_EQ(utf8_multibyte_length("\xef\xb7\x90"), 0u);          // U+FDD0
  EXPECT_EQ(utf8_multibyte_length("\xf8\x88\x80\x80\x80"), 0u);  // 5-byte form
  EXPECT_EQ(utf8_multibyte_length("\xfe"), 0u);
  EXPECT_EQ(utf8_multibyte_length("\xc3\0"s), 0u);  // NUL is no continuation
}

TEST(Utf8, WholeStringValidity) {
  EXPECT_TRUE(utf8_valid(""));
  EXPECT_TRUE(utf8_valid("plain ASCII"));
  EXPECT_TRUE(utf8_valid("\xc3\x85ngstr\xc3\xb6m"));
  EXPECT_FALSE(utf8_valid("SER\xff"));
  EXPECT_FALSE(utf8_valid("\xe2\x82"));
}

TEST(ControlChars, C0AndDelOnly) {
  EXPECT_FALSE(has_control_char("a b~"));
  EXPECT_TRUE(has_control_char("a\tb"));
  EXPECT_TRUE(has_control_char("a\nb"));
  EXPECT_TRUE(has_control_char("\x7f"));
  EXPECT_FALSE(has_control_char("\x80\xc3\xbc"));
}

TEST(UdevEncode, EscapesAllButPlainAndUtf8) {
  EXPECT_EQ(udev_encode_string("ATA     "), "ATA\\x20\\x20\\x20\\x20\\x20");
  EXPECT_EQ(udev_encode_string("a=b#c+d-e.f:g@h_i"), "a=b#c+d-e.f:g@h_i");
  EXPECT_EQ(udev_encode_string("\\x41"), "\\x5cx41");
  EXPECT_EQ(udev_encode_string("\"$'/\n"), "\\x22\\x24\\x27\\x2f\\x0a");
  EXPECT_EQ(udev_encode_string("M\xc3\xbcller"), "M\xc3\xbcller");
  EXPECT_EQ(udev_encode_string("\xc3(\xff"), "\\xc3\\x28\\xff");
  EXPECT_EQ(udev_encode_string("\x01\x7f"), "\\x01\\x7f");
}

TEST(UdevReplaceWhitespace, TrimsAndJoinsRuns) {
  EXPECT_EQ(udev_replace_whitespace("  HP  Ultrium \t 5 ", 63), "HP_Ultrium_5");
  EXPECT_EQ(udev_replace_whitespace("ATA     ", 63), "ATA");
  EXPECT_EQ(udev_replace_whitespace("     ", 63), "");
  EXPECT_EQ(udev_replace_whitespace("a\nb\rc", 63), "a_b_c");
}

TEST(UdevReplaceWhitespace, VerticalTabAndFormFeedAreNotTrimmedInFront) {
  // Leading trim uses " \t\n\r"; the loop's isspace() also knows \v and \f.
  EXPECT_EQ(udev_replace_whitespace("\vA", 63), "_A");
  EXPECT_EQ(udev_replace_whitespace(" \fA\v", 63), "_A");
}

TEST(UdevReplaceWhitespace, StopsAtNulAndLength) {
  EXPECT_EQ(udev_replace_whitespace("AB\0CD"s, 63), "AB");
  EXPECT_EQ(udev_replace_whitespace("ABCDEF", 4), "ABCD");
  // Leading blanks count against the length read.
  EXPECT_EQ(udev_replace_whitespace("  ABCDEF", 4), "AB");
  // No room for a joining '_' and the next byte: stop before the '_'.
  EXPECT_EQ(udev_replace_whitespace("ABC DEF", 4), "ABC");
}

TEST(UdevReplaceChars, KeepsPlainHexPairsAndUtf8) {
  EXPECT_EQ(udev_replace_chars("a b/c\"d$e'f"), "a_b_c_d_e_f");
  EXPECT_EQ(udev_replace_chars("\\x41\\y\\"), "\\x41_y_");
  EXPECT_EQ(udev_replace_chars("M\xc3\xbcller\xe2\x82\xac"), "M\xc3\xbcller\xe2\x82\xac");
  EXPECT_EQ(udev_replace_chars("\xc3(\x80\x01\x7f"), "_____");
  EXPECT_EQ(udev_replace_chars("#+-.:=@_"), "#+-.:=@_");
}

// Every byte, alone and at the start, in the middle and at the end of a
// value.
TEST(UdevSafeValue, EveryByteInEveryPosition) {
  for (int b = 0; b < 256; b++) {
    const char c = static_cast<char>(b);
    const std::string alone(1, c), start = c + std::string("ab"), middle = std::string("a") + c + "b",
                      end = std::string("ab") + c;
    SCOPED_TRACE(b);
    if (c == '\0' || c == '\n' || c == '\r') {
      // udev ends the line there: nothing after it is this value.
      EXPECT_EQ(udev_safe_value(alone), "");
      EXPECT_EQ(udev_safe_value(start), "");
      EXPECT_EQ(udev_safe_value(middle), "a");
      EXPECT_EQ(udev_safe_value(end), "ab");
    } else if (c == ' ' || c == '\t') {
      // Stripped around the value as udev strips them; a tab inside is a
      // control byte like the others.
      EXPECT_EQ(udev_safe_value(alone), "");
      EXPECT_EQ(udev_safe_value(start), "ab");
      EXPECT_EQ(udev_safe_value(middle), c == ' ' ? "a b" : "a.b");
      EXPECT_EQ(udev_safe_value(end), "ab");
    } else if (b < 0x20 || b == 0x7f) {
      EXPECT_EQ(udev_safe_value(alone), ".");
      EXPECT_EQ(udev_safe_value(start), ".ab");
      EXPECT_EQ(udev_safe_value(middle), "a.b");
      EXPECT_EQ(udev_safe_value(end), "ab.");
    } else {
      EXPECT_EQ(udev_safe_value(alone), alone);
      EXPECT_EQ(udev_safe_value(start), start);
      EXPECT_EQ(udev_safe_value(middle), middle);
      EXPECT_EQ(udev_safe_value(end), end);
    }
  }
}

TEST(UdevSafeValue, HostileNameKeepsWhatUdevReadsOfTheKeyItself) {
  // What sg_inq prints for such a SCSI name string makes udev set ID_SERIAL;
  // udev reads "naa.X" as the name's own value, and that is all we print.
  EXPECT_EQ(udev_safe_value("naa.X\rID_SERIAL=evil"), "naa.X");
  EXPECT_EQ(udev_safe_value("naa.X\nID_SERIAL=evil"), "naa.X");
  EXPECT_EQ(udev_safe_value(std::string("naa.X\0ID_SERIAL=evil", 20)), "naa.X");
  EXPECT_EQ(udev_safe_value("  v\x01\x1b[1m\x7f  "), "v..[1m.");
  EXPECT_EQ(udev_safe_value("\"quoted\""), "\"quoted\"");
  EXPECT_EQ(udev_safe_value("caf\xc3\xa9"), "caf\xc3\xa9");
}

}  // namespace
}  // namespace scsi_probe
