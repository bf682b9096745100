// sysfs names of SCSI objects: "H:C:T:L", "targetH:C:T", "hostH".
// Input: the name.
#include "fuzz_input.h"
#include "scsi_address.h"

using namespace scsi_probe;

namespace {

// No leading zeros, so the canonical form is the text itself.
bool canonical(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); i++) {
    const bool starts_number = i == 0 || text[i - 1] < '0' || text[i - 1] > '9';
    if (starts_number && text[i] == '0' && i + 1 < text.size() && text[i + 1] >= '0' &&
        text[i + 1] <= '9')
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::text({data, size});
  if (const auto a = parse_scsi_address(text)) {
    const std::string back = format_scsi_address(*a);
    FUZZ_CHECK(parse_scsi_address(back) == a);
    if (canonical(text)) FUZZ_CHECK(back == text);
  }
  if (const auto t = parse_target_name(text)) {
    const std::string back = "target" + format_scsi_target(*t);
    FUZZ_CHECK(parse_target_name(back) == t);
    if (canonical(text)) FUZZ_CHECK(back == text);
  }
  if (const auto h = parse_host_name(text)) {
    const std::string back = "host" + std::to_string(*h);
    FUZZ_CHECK(parse_host_name(back) == h);
    if (canonical(text)) FUZZ_CHECK(back == text);
  }
  return 0;
}
