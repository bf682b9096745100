// What every fuzz target shares: a reader that cuts one input into the
// fields a function takes, and invariant checks that abort (libFuzzer then
// saves the input as a crash).
//
// Input layout: fixed-size numbers (big-endian) and fields, each field a
// 2-byte big-endian length followed by that many bytes (cut to what is
// left). Bytes past the end read as zero. This layout, unlike
// FuzzedDataProvider's, reads front to back, so tests/fuzz/run can assemble
// seeds from fixture files with printf and cat.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "properties.h"

namespace fuzz {

class Input {
 public:
  Input(const uint8_t* data, std::size_t size) : data_(data, size) {}

  uint8_t u8() { return pos_ < data_.size() ? data_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() << 8 | u8()); }
  uint32_t u32() { return uint32_t{u16()} << 16 | u16(); }
  uint64_t u64() { return uint64_t{u32()} << 32 | u32(); }
  bool flag() { return u8() & 1; }

  std::span<const uint8_t> field() {
    const std::size_t len = u16();
    return take(len);
  }
  std::span<const uint8_t> rest() { return take(data_.size() - pos_); }
  bool empty() const { return pos_ >= data_.size(); }

 private:
  std::span<const uint8_t> take(std::size_t len) {
    const std::size_t left = data_.size() - pos_;
    if (len > left) len = left;
    auto out = data_.subspan(pos_, len);
    pos_ += len;
    return out;
  }

  std::span<const uint8_t> data_;
  std::size_t pos_ = 0;
};

// A field of 8-byte words, read as Linux LUN numbers.
inline std::vector<uint64_t> luns(std::span<const uint8_t> bytes) {
  Input in(bytes.data(), bytes.size());
  std::vector<uint64_t> out;
  for (std::size_t i = 0; i < bytes.size() / 8; i++) out.push_back(in.u64());
  return out;
}

inline std::string_view text(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

[[noreturn]] inline void fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "INVARIANT FAILED %s:%d: %s\n", file, line, what);
  std::abort();
}

// Variadic, so that a condition may hold braces and commas.
#define FUZZ_CHECK(...)                                                 \
  do {                                                                  \
    if (!(__VA_ARGS__)) ::fuzz::fail(__FILE__, __LINE__, #__VA_ARGS__); \
  } while (0)

inline bool is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A property udev imports as exactly itself: a key of [A-Z0-9_] (so no '=',
// blank or newline that would shift or split it), a value without NUL and,
// when `single_line`, without newline.
inline void check_property(const scsi_probe::Property& p, bool single_line) {
  FUZZ_CHECK(!p.key.empty());
  for (char c : p.key) FUZZ_CHECK(is_key_char(c));
  // A NUL would end the line for udev, which reads the output as C text.
  FUZZ_CHECK(p.value.find('\0') == std::string::npos);
  if (single_line) FUZZ_CHECK(p.value.find('\n') == std::string::npos);
}

// What the helper prints for udev's IMPORT{program}: format_udev_properties().
// Every line is KEY=value with one of our keys, in order, and the value is
// ours up to its first newline: a device's string can never start a
// property of its own (a SCSI name designator with "\nSYSTEMD_WANTS=..."
// does with sg_inq itself).
inline void check_import(const scsi_probe::Properties& props) {
  const std::string out = scsi_probe::format_udev_properties(props);
  std::size_t pos = 0;
  std::size_t index = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    FUZZ_CHECK(nl != std::string::npos);
    std::string_view line(out.data() + pos, nl - pos);
    pos = nl + 1;
    std::size_t eq = line.find('=');
    FUZZ_CHECK(eq != std::string_view::npos && eq > 0);
    // Properties udev cannot take (empty key or value) are left out.
    while (index < props.size()) {
      std::string_view v(props[index].value);
      v = v.substr(0, v.find('\n'));
      if (!props[index].key.empty() && !v.empty()) break;
      index++;
    }
    FUZZ_CHECK(index < props.size());
    FUZZ_CHECK(line.substr(0, eq) == props[index].key);
    std::string_view v(props[index].value);
    FUZZ_CHECK(line.substr(eq + 1) == v.substr(0, v.find('\n')));
    index++;
  }
}

}  // namespace fuzz
