// Device Identification VPD page 0x83: the designator walk, and sg_inq's
// SCSI_IDENT_* properties of the same page. Input: the page.
#include "fuzz_input.h"
#include "sg_inq_properties.h"
#include "vpd_device_id.h"

using namespace scsi_probe;

namespace {

bool inside(std::span<const uint8_t> part, std::span<const uint8_t> whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const uint8_t> page(data, size);
  const DeviceIdPage id = parse_device_id_page(page);
  const bool is_83 = size >= 4 && data[1] == 0x83;
  if (!is_83) FUZZ_CHECK(id.designators.empty() && !id.pre_spc);
  if (id.pre_spc) {
    FUZZ_CHECK(id.designators.empty());
    FUZZ_CHECK(inside(id.pre_spc_identifier, page.subspan(std::min<std::size_t>(4, size))));
  }
  // Designators are complete, in order, do not overlap, and lie within
  // both the page received and the length it claims.
  const std::size_t claimed = size >= 4 ? 4 + (std::size_t{data[2]} << 8 | data[3]) : 0;
  const uint8_t* previous_end = data + 4;
  std::size_t total = 0;
  for (const Designator& d : id.designators) {
    FUZZ_CHECK(d.descriptor.size() >= 4);
    FUZZ_CHECK(d.descriptor.data() >= previous_end);
    FUZZ_CHECK(d.descriptor.data() + d.descriptor.size() <= data + std::min(size, claimed));
    FUZZ_CHECK(d.value.size() == d.descriptor[3]);
    FUZZ_CHECK(d.value.data() == d.descriptor.data() + 4);
    FUZZ_CHECK(d.association < 4 && d.type < 16 && d.code_set < 16 && d.protocol_id < 16);
    previous_end = d.descriptor.data() + d.descriptor.size();
    total += d.descriptor.size();
  }
  FUZZ_CHECK(total <= size);

  const Properties props = sg_inq_device_id_properties(page);
  if (!is_83) FUZZ_CHECK(props.empty());
  for (const auto& p : props) {
    // sg_inq's MD5 dump and SCSI name strings may run over several lines.
    fuzz::check_property(p, false);
    FUZZ_CHECK(p.key.starts_with("SCSI_IDENT_"));
  }
  fuzz::check_import(props);
  return 0;
}
