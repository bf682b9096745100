// Coalescing of target rescans. One `udevadm trigger --action=change` raises
// a change event on a host, on each of its targets and on each transport
// port; one REPORTED LUNS DATA HAS CHANGED unit attention arrives on every
// LUN of a target. Each would rescan the target. A rescan takes the target's
// lock and, once complete, records the kernel's uevent sequence number read
// when it started: an event raised before that (a lower SEQNUM) asked about
// a state the rescan has seen, and is answered by it.
//
// A unit attention surfaces only with the next command to its LUN, often
// long after the change (a path checker's TEST UNIT READY, the next I/O),
// so its event may come after a rescan that already saw the change. A
// rescan for such a unit attention therefore first collects the ones still
// pending on the target's other LUNs (TEST UNIT READY to each), and records
// which LUNs returned one: the event each of those raises is answered by it,
// once.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace scsi_probe {

struct RescanRecord {
  std::optional<uint64_t> started_at;  // uevent sequence number when it started
  std::vector<uint64_t> collected;     // LUNs whose unit attention it collected, sorted
};

// The record's text: the sequence number in decimal, then "collected" and
// the LUNs on a second line when there are any.
std::string format_rescan_record(const RescanRecord& r);
// An empty or malformed record is none (then nothing is skipped).
RescanRecord parse_rescan_record(std::string_view text);
// A sequence number in decimal (SEQNUM, /sys/kernel/uevent_seqnum).
std::optional<uint64_t> parse_seqnum(std::string_view text);

struct RescanEvent {
  std::optional<uint64_t> seqnum;  // SEQNUM; nullopt: a run by hand, which always rescans
  // The LUN whose REPORTED LUNS DATA HAS CHANGED unit attention raised the
  // event; nullopt for any other event.
  std::optional<uint64_t> inventory_change_lun;
};

struct RescanGate {
  bool rescan = true;
  std::string reason;         // for the log
  bool record_changed = false;  // an entry of `collected` was used up: write the record back
};

// `record`: the target's last complete rescan; an entry of its `collected`
// that answers this event is removed.
RescanGate decide_rescan(const RescanEvent& event, RescanRecord& record);

// Whether the collection may send TEST UNIT READY to a LUN: not where a unit
// attention it would take carries news the upper driver needs (a medium
// changed on removable media, tapes, optical drives and changers: st, sr
// and ch learn of it that way).
bool may_collect_unit_attention(uint8_t peripheral_type, bool removable);

// Whether sense data is REPORTED LUNS DATA HAS CHANGED (UNIT ATTENTION,
// 3Fh/0Eh), decoded by libsgutils2 (fixed or descriptor format).
bool is_inventory_change(std::span<const uint8_t> sense);

}  // namespace scsi_probe
