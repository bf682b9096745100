// Every VPD page parser of vpd_pages.h on one page. Each parser gets the
// input with byte 1 (the page code) set to its own page, so that every input
// reaches every parser's body. Input: the page.
#include <vector>

#include "fuzz_input.h"
#include "sg_inq_properties.h"
#include "vpd_pages.h"

using namespace scsi_probe;

namespace {

bool inside(std::span<const uint8_t> part, std::span<const uint8_t> whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

// Exactly `size` bytes on the heap, so that ASan sees any read past them.
std::vector<uint8_t> with_code(const uint8_t* data, std::size_t size, uint8_t code) {
  std::vector<uint8_t> page(data, data + size);
  if (page.size() > 1) page[1] = code;
  return page;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::span<const uint8_t> raw(data, size);
  const auto h = parse_vpd_header(raw);
  FUZZ_CHECK(h.has_value() == (size >= 4));
  if (h) {
    FUZZ_CHECK(h->claimed_length == (std::size_t{data[2]} << 8 | data[3]));
    FUZZ_CHECK(h->payload.data() == data + 4);
    FUZZ_CHECK(h->payload.size() == std::min(h->claimed_length, size - 4));
    FUZZ_CHECK(h->truncated == (h->claimed_length > size - 4));
    FUZZ_CHECK(h->page_code == data[1]);
  }
  // What every parser may use: the payload, claimed and present.
  const std::size_t usable = h ? 4 + h->payload.size() : 0;

  {
    const auto page = with_code(data, size, 0x00);
    const auto p = parse_supported_pages(page);
    FUZZ_CHECK(p.has_value() == (size >= 4));
    if (p) {
      FUZZ_CHECK(p->pages.size() + 4 <= usable);
      for (uint8_t code : p->pages) FUZZ_CHECK(p->supports(code));
    }
  }
  {
    const auto page = with_code(data, size, 0x80);
    const auto p = parse_unit_serial_number(page);
    FUZZ_CHECK(p.has_value() == (size >= 4));
    if (p) FUZZ_CHECK(p->serial.size() + 4 <= usable);
    for (const auto& prop : sg_inq_serial_properties(page)) {
      fuzz::check_property(prop, true);
      FUZZ_CHECK(prop.key == "SCSI_IDENT_SERIAL");
    }
  }
  {
    const auto page = with_code(data, size, 0x89);
    const auto p = parse_ata_information(page);
    if (p) {
      FUZZ_CHECK(p->sat_vendor.size() <= 8 && p->sat_product.size() <= 16 &&
                 p->sat_revision.size() <= 4);
      FUZZ_CHECK(inside(p->identify_data, std::span<const uint8_t>(page).first(usable)));
      FUZZ_CHECK(p->identify_data.size() <= 512);
      FUZZ_CHECK(p->identify_complete == (p->identify_data.size() == 512));
      if (p->signature) FUZZ_CHECK(usable >= 56);
      if (p->command_code) FUZZ_CHECK(usable >= 57);
    }
  }
  {
    const auto page = with_code(data, size, 0xb0);
    const auto p = parse_block_limits(page);
    if (p) {
      // The last field is present only when the page holds all 64 bytes.
      if (p->max_atomic_boundary_size) FUZZ_CHECK(usable >= 64);
      if (p->max_transfer_length) FUZZ_CHECK(usable >= 12);
      if (p->unmap_granularity_alignment) FUZZ_CHECK(*p->unmap_granularity_alignment < (1u << 31));
    }
  }
  {
    const auto page = with_code(data, size, 0xb1);
    const auto p = parse_block_device_characteristics(page);
    if (p) {
      if (p->medium_rotation_rate) FUZZ_CHECK(usable >= 6);
      if (p->nominal_form_factor) FUZZ_CHECK(*p->nominal_form_factor < 16);
      if (p->zoned) FUZZ_CHECK(*p->zoned < 4 && usable >= 9);
    }
  }
  {
    const auto page = with_code(data, size, 0xb2);
    const auto p = parse_logical_block_provisioning(page);
    if (p) {
      if (p->lbprz) FUZZ_CHECK(*p->lbprz < 8);
      if (p->provisioning_type) FUZZ_CHECK(*p->provisioning_type < 8);
      if (p->minimum_percentage) FUZZ_CHECK(*p->minimum_percentage < 32);
      FUZZ_CHECK(inside(p->provisioning_group_descriptor,
                        std::span<const uint8_t>(page).first(usable)));
      if (!p->provisioning_group_descriptor.empty()) {
        FUZZ_CHECK(p->dp && *p->dp);
        FUZZ_CHECK(p->provisioning_group_descriptor.size() >= 4);
        FUZZ_CHECK(p->provisioning_group_descriptor.size() ==
                   4u + p->provisioning_group_descriptor[3]);
      }
    }
  }
  return 0;
}
