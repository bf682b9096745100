#include "lun_diff.h"

#include <scsi/sg_lib.h>

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "inquiry.h"
#include "report_luns.h"
#include "scan_plan.h"

namespace scsi_probe {

namespace {

// ASC 25h: LOGICAL UNIT NOT SUPPORTED (SPC-5 table 57).
constexpr uint8_t kAscLogicalUnitNotSupported = 0x25;

// Any LUN that is not a well-known one: the removal rule never sees W-LUNs,
// so the "type 0x1f" rule applies as for an ordinary LUN.
constexpr uint64_t kOrdinaryLun = 1;

std::string sense_text(const sg_scsi_sense_hdr& hdr) {
  char key[80];
  char asc[160];
  sg_get_sense_key_str(hdr.sense_key, sizeof key, key);
  sg_get_asc_ascq_str(hdr.asc, hdr.ascq, sizeof asc, asc);
  std::string_view additional = asc;
  constexpr std::string_view kPrefix = "Additional sense: ";
  if (additional.substr(0, kPrefix.size()) == kPrefix) additional.remove_prefix(kPrefix.size());
  return std::string(key) + ", " + std::string(additional);
}

}  // namespace

std::vector<uint64_t> removal_candidates(std::span<const uint64_t> existing,
                                         std::span<const uint64_t> reported) {
  const std::unordered_set<uint64_t> listed(reported.begin(), reported.end());
  std::vector<uint64_t> candidates;
  for (uint64_t lun : existing) {
    if (!listed.count(lun) && !kernel_is_wlun(lun)) candidates.push_back(lun);
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  return candidates;
}

RemovalDecision confirm_removal(const RemovalAnswer& answer, bool pdt_1f_for_no_lun) {
  if (answer.command_ok) {
    const auto inq = parse_standard_inquiry(answer.inquiry);
    if (!inq) return {false, "no longer reported but INQUIRY returned no data: kept"};
    const ProbeDecision d = classify_probe(kOrdinaryLun, LunInquiry{inq->qualifier, inq->device_type,
                                                                    kernel_scsi_level(*inq)},
                                           pdt_1f_for_no_lun);
    if (d.result == ProbeResult::kTargetPresent) return {true, "no longer reported and " + d.reason};
    return {false, "no longer reported but still answers: " + d.reason};
  }
  if (answer.host_status == kHostByteNoConnect) {
    if (answer.device_running) return {true, "no longer reported and not connected (DID_NO_CONNECT)"};
    return {false, "no longer reported but the device is not running (its DID_NO_CONNECT is the midlayer's): kept"};
  }
  if (answer.sense.empty()) return {false, "no longer reported but no answer to confirm: kept"};
  sg_scsi_sense_hdr hdr{};
  if (!sg_scsi_normalize_sense(answer.sense.data(), static_cast<int>(answer.sense.size()), &hdr)) {
    return {false, "no longer reported but the sense data is unreadable: kept"};
  }
  const std::string text = sense_text(hdr);
  if (hdr.sense_key == SPC_SK_ILLEGAL_REQUEST && hdr.asc == kAscLogicalUnitNotSupported) {
    return {true, "no longer reported and " + text};
  }
  return {false, "no longer reported but " + text + ": kept"};
}

}  // namespace scsi_probe
