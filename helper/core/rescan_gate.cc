#include "rescan_gate.h"

#include <charconv>

namespace scsi_probe {

std::string format_rescan_record(uint64_t started_at) { return std::to_string(started_at) + "\n"; }

std::optional<uint64_t> parse_rescan_record(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

RescanGate decide_rescan(std::optional<uint64_t> event_seqnum, std::optional<uint64_t> last_started_at) {
  if (!event_seqnum) return {true, "not run by an event"};
  if (!last_started_at) return {true, "no earlier rescan recorded"};
  if (*event_seqnum > *last_started_at)
    return {true, "event " + std::to_string(*event_seqnum) + " came after the last rescan started (uevent " +
                      std::to_string(*last_started_at) + ")"};
  return {false, "answered by the rescan that started after this event (event " + std::to_string(*event_seqnum) +
                     ", rescan at uevent " + std::to_string(*last_started_at) + ")"};
}

}  // namespace scsi_probe
