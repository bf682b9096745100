// LUN removal after REPORTED LUNS DATA HAS CHANGED: the candidates, and the
// confirmation from a fresh INQUIRY answer or its sense data (fixed or
// descriptor format, decoded by libsgutils2).
// Input: flags (u8: bit 0 command_ok, bit 1 pdt_1f_for_no_lun, bit 2 device
// not running, bits 3-7 the host byte), INQUIRY data
// (field), sense data (field), existing LUNs (field of u64), reported LUNs
// (the rest, u64 each).
#include <algorithm>
#include <vector>

#include "fuzz_input.h"
#include "lun_diff.h"
#include "report_luns.h"

using namespace scsi_probe;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const uint8_t flags = in.u8();
  const auto inquiry = in.field();
  const auto sense = in.field();
  const auto existing = fuzz::luns(in.field());
  const auto reported = fuzz::luns(in.rest());

  const RemovalAnswer answer{(flags & 1) != 0, inquiry, sense, static_cast<uint8_t>(flags >> 3),
                             (flags & 4) == 0};
  const RemovalDecision d = confirm_removal(answer, flags & 2);
  FUZZ_CHECK(!d.reason.empty());
  FUZZ_CHECK(d.reason.find('\n') == std::string::npos);
  // No answer at all never removes a LUN.
  if (!(flags & 1) && sense.empty() && answer.host_status != kHostByteNoConnect) FUZZ_CHECK(!d.remove);
  // The midlayer's own DID_NO_CONNECT for an offline device never removes.
  if (!(flags & 1) && !answer.device_running && sense.empty()) FUZZ_CHECK(!d.remove);
  if ((flags & 1) && inquiry.empty()) FUZZ_CHECK(!d.remove);
  // A LUN that says it is there stays.
  if ((flags & 1) && !inquiry.empty() && (inquiry[0] >> 5) == 0 && (inquiry[0] & 0x1f) != 0x1f)
    FUZZ_CHECK(!d.remove);

  const auto candidates = removal_candidates(existing, reported);
  FUZZ_CHECK(std::is_sorted(candidates.begin(), candidates.end()));
  FUZZ_CHECK(std::adjacent_find(candidates.begin(), candidates.end()) == candidates.end());
  for (uint64_t lun : candidates) {
    FUZZ_CHECK(std::find(existing.begin(), existing.end(), lun) != existing.end());
    FUZZ_CHECK(std::find(reported.begin(), reported.end(), lun) == reported.end());
    FUZZ_CHECK(!kernel_is_wlun(lun));
  }
  for (uint64_t lun : existing) {
    const bool listed = std::find(reported.begin(), reported.end(), lun) != reported.end();
    if (!listed && !kernel_is_wlun(lun))
      FUZZ_CHECK(std::binary_search(candidates.begin(), candidates.end(), lun));
  }
  return 0;
}
