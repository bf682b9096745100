// Coalescing of target rescans. One `udevadm trigger --action=change` raises
// a change event on a host, on each of its targets and on each transport
// port; one REPORTED LUNS DATA HAS CHANGED unit attention arrives on every
// LUN of a target. Each would rescan the target. A rescan takes the target's
// lock and, once complete, records the kernel's uevent sequence number read
// when it started: an event raised before that (a lower SEQNUM) asked about
// a state the rescan has seen, and is answered by it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace scsi_probe {

// The record's text: the sequence number in decimal, one line.
std::string format_rescan_record(uint64_t started_at);
// nullopt for an empty or malformed record (then nothing is skipped).
std::optional<uint64_t> parse_rescan_record(std::string_view text);

struct RescanGate {
  bool rescan = true;
  std::string reason;  // for the log
};

// `event_seqnum`: SEQNUM of the event asking (nullopt: a run by hand, which
// always rescans); `last_started_at`: the record of the target's last
// complete rescan (nullopt: none).
RescanGate decide_rescan(std::optional<uint64_t> event_seqnum, std::optional<uint64_t> last_started_at);

}  // namespace scsi_probe
