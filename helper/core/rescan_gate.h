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
// pending on the target's other LUNs (TEST UNIT READY to each) and waits for
// the events those raise before it reads the sequence number: they are then
// answered like any earlier event. Only the sequence number answers an
// event: a note of which LUNs had one cannot tell the collected unit
// attention's event from the next one on that LUN, a change the rescan did
// not see.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "scsi_address.h"

namespace scsi_probe {

struct RescanRecord {
  std::optional<uint64_t> started_at;  // uevent sequence number when it started
};

// The record's text: the sequence number in decimal and a newline.
std::string format_rescan_record(const RescanRecord& r);
// An empty or malformed record is none (then nothing is skipped). Only the
// first line counts: older versions wrote more lines.
RescanRecord parse_rescan_record(std::string_view text);
// A sequence number in decimal (SEQNUM, /sys/kernel/uevent_seqnum).
std::optional<uint64_t> parse_seqnum(std::string_view text);

struct RescanGate {
  bool rescan = true;
  std::string reason;  // for the log
};

// `seqnum`: the event's SEQNUM (nullopt: a run by hand, which always
// rescans); `record`: the last complete rescan.
RescanGate decide_rescan(std::optional<uint64_t> seqnum, const RescanRecord& record);

// The device whose REPORTED LUNS DATA HAS CHANGED unit attention a uevent
// reports: the kernel's change event on a scsi_device ("H:C:T:L") with
// SDEV_UA=REPORTED_LUNS_DATA_HAS_CHANGED; nullopt for any other uevent.
std::optional<ScsiAddress> inventory_change_event(std::string_view action, std::string_view sysname,
                                                  std::string_view sdev_ua);

// Whether the collection may send TEST UNIT READY to a LUN: not where a unit
// attention it would take carries news the upper driver needs (a medium
// changed on removable media, tapes, optical drives and changers: st, sr
// and ch learn of it that way).
bool may_collect_unit_attention(uint8_t peripheral_type, bool removable);

// Whether sense data is REPORTED LUNS DATA HAS CHANGED (UNIT ATTENTION,
// 3Fh/0Eh), decoded by libsgutils2 (fixed or descriptor format).
bool is_inventory_change(std::span<const uint8_t> sense);

}  // namespace scsi_probe
