// Standard INQUIRY data as a device returns it: the parser, the kernel's
// scsi_level, and sg_inq's SCSI_* properties of the same bytes.
// Input: the INQUIRY data.
#include <cstring>

#include "fuzz_input.h"
#include "inquiry.h"
#include "sg_inq_properties.h"

using namespace scsi_probe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  const auto inq = parse_standard_inquiry(bytes);
  FUZZ_CHECK(inq.has_value() == (size > 0));
  if (inq) {
    FUZZ_CHECK(inq->available == size);
    // Fields hold the device's bytes, never more than it sent.
    auto field_ok = [&](const std::string& f, std::size_t offset, std::size_t width) {
      const std::size_t expect = size > offset ? std::min(width, size - offset) : 0;
      return f.size() == expect && std::memcmp(f.data(), data + offset, expect) == 0;
    };
    FUZZ_CHECK(field_ok(inq->vendor, 8, 8));
    FUZZ_CHECK(field_ok(inq->model, 16, 16));
    FUZZ_CHECK(field_ok(inq->revision, 32, 4));
    FUZZ_CHECK(inq->qualifier < 8 && inq->device_type < 32 && inq->tpgs < 4);
    const int level = kernel_scsi_level(*inq);
    FUZZ_CHECK(level >= 0 && level <= 16);
  }

  const Properties props = sg_inq_standard_properties(bytes);
  FUZZ_CHECK(props.empty() == (size == 0));
  for (const auto& p : props) {
    fuzz::check_property(p, true);
    FUZZ_CHECK(p.key.starts_with("SCSI_"));
  }
  fuzz::check_import(props);
  return 0;
}
