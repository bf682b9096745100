#include "rescan_gate.h"

#include <scsi/sg_lib.h>

#include <charconv>

namespace scsi_probe {

std::optional<uint64_t> parse_seqnum(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string format_rescan_record(const RescanRecord& r) {
  return r.started_at ? std::to_string(*r.started_at) + "\n" : "";
}

RescanRecord parse_rescan_record(std::string_view text) {
  const auto nl = text.find('\n');
  return {parse_seqnum(text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1))};
}

RescanGate decide_rescan(std::optional<uint64_t> seqnum, const RescanRecord& record) {
  if (!seqnum) return {true, "not run by an event"};
  if (!record.started_at) return {true, "no earlier rescan recorded"};
  const std::string seq = std::to_string(*seqnum), at = std::to_string(*record.started_at);
  if (*seqnum <= *record.started_at)
    return {false, "answered by the rescan that started after this event (event " + seq + ", rescan at uevent " +
                       at + ")"};
  return {true, "event " + seq + " came after the last rescan started (uevent " + at + ")"};
}

std::optional<ScsiAddress> inventory_change_event(std::string_view action, std::string_view sysname,
                                                  std::string_view sdev_ua) {
  if (action != "change" || sdev_ua != "REPORTED_LUNS_DATA_HAS_CHANGED") return std::nullopt;
  return parse_scsi_address(sysname);
}

bool may_collect_unit_attention(uint8_t peripheral_type, bool removable) {
  constexpr uint8_t kTape = 0x01, kCdDvd = 0x05, kOptical = 0x07, kChanger = 0x08;
  if (removable) return false;
  return peripheral_type != kTape && peripheral_type != kCdDvd && peripheral_type != kOptical &&
         peripheral_type != kChanger;
}

bool is_inventory_change(std::span<const uint8_t> sense) {
  sg_scsi_sense_hdr h{};
  if (sense.empty() || !sg_scsi_normalize_sense(sense.data(), static_cast<int>(sense.size()), &h)) return false;
  return h.sense_key == SPC_SK_UNIT_ATTENTION && h.asc == 0x3f && h.ascq == 0x0e;
}

}  // namespace scsi_probe
