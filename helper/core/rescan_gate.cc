#include "rescan_gate.h"

#include <scsi/sg_lib.h>

#include <algorithm>
#include <charconv>

#include "text.h"

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
  if (!r.started_at) return "";
  std::string text = std::to_string(*r.started_at) + "\n";
  if (!r.collected.empty()) {
    text += "collected";
    for (uint64_t lun : r.collected) (text += " ") += std::to_string(lun);
    text += "\n";
  }
  return text;
}

RescanRecord parse_rescan_record(std::string_view text) {
  const auto nl = text.find('\n');
  RescanRecord r;
  r.started_at = parse_seqnum(text.substr(0, nl == std::string_view::npos ? text.size() : nl + 1));
  if (!r.started_at || nl == std::string_view::npos || nl + 1 == text.size()) return r;
  std::vector<std::string_view> words = split_words(text.substr(nl + 1), " \t\n");
  if (words.empty() || words.front() != "collected" || text.back() != '\n') return {};
  for (auto w = words.begin() + 1; w != words.end(); ++w) {
    auto lun = parse_seqnum(*w);
    if (!lun) return {};
    r.collected.push_back(*lun);
  }
  std::sort(r.collected.begin(), r.collected.end());
  return r;
}

RescanGate decide_rescan(const RescanEvent& event, RescanRecord& record) {
  if (!event.seqnum) return {true, "not run by an event"};
  if (!record.started_at) return {true, "no earlier rescan recorded"};
  const std::string seq = std::to_string(*event.seqnum), at = std::to_string(*record.started_at);
  if (*event.seqnum <= *record.started_at)
    return {false, "answered by the rescan that started after this event (event " + seq + ", rescan at uevent " +
                       at + ")"};
  if (event.inventory_change_lun) {
    auto it = std::lower_bound(record.collected.begin(), record.collected.end(), *event.inventory_change_lun);
    if (it != record.collected.end() && *it == *event.inventory_change_lun) {
      record.collected.erase(it);
      return {false, "answered by the rescan at uevent " + at + ", which collected LUN " +
                         std::to_string(*event.inventory_change_lun) + "'s unit attention itself (event " + seq + ")",
              true};
    }
  }
  return {true, "event " + seq + " came after the last rescan started (uevent " + at + ")"};
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
