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

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "device_data.h"
#include "properties.h"
#include "udev_import_model.h"
#include "udev_string.h"

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

// One device's cached identification data, the layout of the identify and
// udev_import targets: which pages the cache holds (u8: bit 0 page 0x00,
// bit 1 0x80, bit 2 0x83), scsi_level (u8), the kernel's flags (u64), then
// fields: INQUIRY data, page 0x00, page 0x80, page 0x83 (a page's field is
// read whether or not the cache holds it, so the layout stays fixed).
inline scsi_probe::DeviceData device_data(Input& in) {
  const uint8_t present = in.u8();
  scsi_probe::DeviceData d;
  d.scsi_level = in.u8();
  d.kernel_flags = in.u64();
  const auto inquiry = in.field();
  d.inquiry.assign(inquiry.begin(), inquiry.end());
  constexpr std::array<uint8_t, 3> kCodes{0x00, 0x80, 0x83};
  for (std::size_t i = 0; i < kCodes.size(); i++) {
    const auto page = in.field();
    if (present >> i & 1) d.vpd[kCodes[i]].assign(page.begin(), page.end());
  }
  return d;
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

inline bool is_control(char c) { return static_cast<uint8_t>(c) < 0x20 || c == 0x7f; }

// What udev makes of one line "KEY=value" we print (the per-line rule of
// udev_import_model.h, stated apart from it): the value as it is, or
// without one pair of enclosing quotes, or nothing when a quote opens it
// and none closes it.
inline std::optional<scsi_probe::Property> expected_import(const scsi_probe::Property& p) {
  const std::string& v = p.value;
  if (v.empty() || (v.front() != '"' && v.front() != '\'')) return p;
  if (v.size() < 2 || v.back() != v.front()) return std::nullopt;
  return scsi_probe::Property{p.key, v.substr(1, v.size() - 2)};
}

// Only the last value of each key, in the order of those last values: what
// is left of a list once udev has let later values replace earlier ones.
template <typename P>
std::vector<P> last_of_each_key(const std::vector<P>& lines) {
  std::vector<P> out;
  for (std::size_t i = 0; i < lines.size(); i++) {
    bool replaced = false;
    for (std::size_t j = i + 1; j < lines.size() && !replaced; j++) replaced = lines[j].key == lines[i].key;
    if (!replaced) out.push_back(lines[i]);
  }
  return out;
}

// What the helper prints for IMPORT{program} and writes into the handoff
// file for IMPORT{file}: format_udev_properties(). Read back the way udev
// 252 reads either, it sets our keys in our order and nothing else, each
// from its own line: a device's string can never start a property of its
// own (a SCSI name designator with "\rID_SERIAL=..." does with sg_inq
// itself). Values hold no control byte and are the value we meant, cut and
// cleaned by udev_safe_value() and nothing more. Each key comes once, with
// the value udev would have kept of all we meant, and the whole text fits
// what udev reads of a program's output.
inline void check_import(const scsi_probe::Properties& props) {
  const std::string out = scsi_probe::format_udev_properties(props);
  FUZZ_CHECK(out.size() < kUdevProgramOutputMax);
  std::vector<scsi_probe::Property> meant;
  for (const auto& p : props) {
    const std::string v = scsi_probe::udev_safe_value(p.value);
    if (p.key.empty() || v.empty()) continue;
    for (char c : v) FUZZ_CHECK(!is_control(c));
    FUZZ_CHECK(!udev_whitespace(v.front()) && !udev_whitespace(v.back()));
    // The value is the original, or the part of it before a line end.
    std::string_view orig(p.value);
    orig = orig.substr(orig.find_first_not_of(" \t") == std::string_view::npos
                           ? 0
                           : orig.find_first_not_of(" \t"));
    FUZZ_CHECK(v.size() <= orig.size());
    for (std::size_t i = 0; i < v.size(); i++) FUZZ_CHECK(v[i] == orig[i] || (v[i] == '.' && is_control(orig[i])));
    if (auto want = expected_import({p.key, v})) meant.push_back(*want);
  }
  // One line for each key: the one udev would have kept of all we meant.
  meant = last_of_each_key(meant);
  for (const auto& parsed : {udev_read_program_output(out), udev_read_file(out)}) {
    FUZZ_CHECK(parsed.size() == meant.size());
    for (std::size_t j = 0; j < meant.size(); j++) FUZZ_CHECK(parsed[j] == meant[j]);
    for (const auto& p : parsed)
      for (char c : p.key + p.value) FUZZ_CHECK(!is_control(c));
  }
}

}  // namespace fuzz
