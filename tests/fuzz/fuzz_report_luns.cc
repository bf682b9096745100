// REPORT LUNS parameter data, the SAM LUN structure, and the kernel's
// Linux LUN mapping. Input: sent allocation (u32), allocation cap (u32),
// then the parameter data.
#include <algorithm>
#include <cstring>

#include "fuzz_input.h"
#include "report_luns.h"

using namespace scsi_probe;

namespace {

void check_lun(const ScsiLun& lun) {
  // scsilun_to_int and int_to_scsilun are inverses both ways.
  const uint64_t linux_lun = linux_lun_from_scsilun(lun);
  FUZZ_CHECK(scsilun_from_linux_lun(linux_lun) == lun);
  FUZZ_CHECK(linux_lun_from_scsilun(scsilun_from_linux_lun(linux_lun)) == linux_lun);
  FUZZ_CHECK(kernel_is_wlun(linux_lun) == (lun[0] == 0xc1));

  const DecodedLun d = decode_lun(lun);
  FUZZ_CHECK(!d.levels.empty() && d.levels.size() <= 4);
  std::size_t offset = 0;
  for (const LunLevel& level : d.levels) {
    // Levels follow each other and stay within the 8 bytes.
    FUZZ_CHECK(level.offset == offset);
    FUZZ_CHECK(level.length >= 2 && level.length <= 8 && level.offset + level.length <= 8);
    offset += level.length;
  }
  // Only a non-final level continues the address.
  for (std::size_t i = 0; i + 1 < d.levels.size(); i++) FUZZ_CHECK(d.levels[i].continues);
  if (d.well_known) FUZZ_CHECK(lun[0] == 0xc1 && *d.well_known == lun[1]);

  const std::string text = describe_lun(lun);
  FUZZ_CHECK(!text.empty());
  for (char c : text) FUZZ_CHECK(c >= 0x20 && c < 0x7f);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const uint32_t sent = in.u32();
  const uint32_t cap = in.u32();
  const std::span<const uint8_t> bytes = in.rest();

  const auto list = parse_report_luns(bytes);
  FUZZ_CHECK(list.has_value() == (bytes.size() >= 4));
  if (list) {
    // Never more entries than claimed or than received; each one as sent.
    FUZZ_CHECK(list->luns.size() <= list->list_length / kLunEntrySize);
    FUZZ_CHECK(kReportLunsHeaderSize + list->luns.size() * kLunEntrySize <= std::max<std::size_t>(bytes.size(), 8));
    FUZZ_CHECK(list->luns.size() == std::min<uint64_t>(list->list_length / kLunEntrySize,
                                                       bytes.size() > 8 ? (bytes.size() - 8) / 8 : 0));
    FUZZ_CHECK(list->truncated == (list->complete_size() > bytes.size()));
    for (std::size_t i = 0; i < list->luns.size(); i++) {
      FUZZ_CHECK(std::memcmp(list->luns[i].data(), bytes.data() + 8 + 8 * i, 8) == 0);
      check_lun(list->luns[i]);
    }

    const auto retry = report_luns_retry_allocation(*list, sent, cap);
    if (retry) {
      // Asking again only helps with more than was sent, never over the cap
      // nor over what the device claims.
      FUZZ_CHECK(*retry > sent && *retry <= cap && *retry <= list->complete_size());
    } else {
      FUZZ_CHECK(list->complete_size() <= sent || std::min<uint64_t>(list->complete_size(), cap) <= sent);
    }
  }
  // Any 8 bytes are a LUN: the ones left over too (the fuzzer need not
  // build a whole list to reach decode_lun).
  if (bytes.size() >= 8) {
    ScsiLun lun;
    std::copy_n(bytes.end() - 8, 8, lun.begin());
    check_lun(lun);
  }
  return 0;
}
