// The hwdb look-up key built from a device's INQUIRY fields, and the
// kernel's matching of its built-in table, as one device's answer drives
// them. Input: standard INQUIRY data.
#include <algorithm>

#include "fuzz_input.h"
#include "inquiry.h"
#include "quirks.h"

using namespace scsi_probe;

namespace {

// The kernel's view of a field, written out plainly: bytes up to the first
// NUL, each outside 0x20..0x7e a blank, padded with blanks, outer blanks
// dropped.
std::string expected_field(std::string_view raw, std::size_t width) {
  std::string s;
  for (std::size_t i = 0; i < width; i++) {
    const auto c = i < raw.size() ? static_cast<uint8_t>(raw[i]) : 0;
    if (c == 0) break;
    s += c >= 0x20 && c <= 0x7e ? static_cast<char>(c) : ' ';
  }
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const auto inq = parse_standard_inquiry({data, size});
  if (!inq) return 0;
  const std::string key = quirk_hwdb_key(inq->vendor, inq->model, inq->revision);
  const std::string v = expected_field(inq->vendor, kInquiryVendorWidth);
  const std::string m = expected_field(inq->model, kInquiryModelWidth);
  const std::string r = expected_field(inq->revision, kInquiryRevisionWidth);
  FUZZ_CHECK(key == "scsi-quirk:v" + v + ":m" + m + ":r" + r + ":");
  for (char c : key) FUZZ_CHECK(c >= 0x20 && c <= 0x7e);

  for (auto [raw, width] : {std::pair{std::string_view(inq->vendor), kInquiryVendorWidth},
                            std::pair{std::string_view(inq->model), kInquiryModelWidth}}) {
    const std::string s = kernel_sanitized_field(raw, width);
    FUZZ_CHECK(s.size() == width);
    for (char c : s) FUZZ_CHECK(c >= 0x20 && c <= 0x7e);
  }

  // A table entry written from the key's fields matches the device; a model
  // entry matches by prefix.
  FUZZ_CHECK(builtin_entry_matches(v, m, inq->vendor, inq->model));
  for (std::size_t k = 0; k <= m.size(); k++)
    FUZZ_CHECK(builtin_entry_matches(v, std::string_view(m).substr(0, k), inq->vendor, inq->model));
  if (!v.empty())
    FUZZ_CHECK(!builtin_entry_matches(v.substr(0, v.size() - 1), m, inq->vendor, inq->model));
  return 0;
}
