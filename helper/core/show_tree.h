// What `scsi-probe show` prints: the hosts, targets and LUNs the kernel has,
// with their identification and the record of scsi-probe's runs, as aligned
// columns in lsscsi's manner or as JSON (schema:
// man/scsi-probe-show.schema.json). Pure formatting over plain structs; the
// shell fills them from sysfs and the udev database. An unknown value is
// nullopt here, `-` in the columns and null in JSON.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "address_pattern.h"
#include "scsi_address.h"

namespace scsi_probe {

using OptionalText = std::optional<std::string>;

struct ShowDevice {
  std::string address;        // H:C:T:L
  std::optional<int> type;    // peripheral device type
  OptionalText vendor, model, revision;  // sysfs, blank-trimmed
  OptionalText state;         // sysfs `state`: running, offline, blocked, ...
  std::optional<uint64_t> size_bytes;  // of its block device; nullopt: none or unknown
  OptionalText driver;        // bound upper-level driver; nullopt: none
  OptionalText handler;       // attached device handler (dh_state); nullopt: none
  std::vector<std::string> nodes;  // /dev/sdX, /dev/sgN, ...
  // The udev database: ID_SERIAL, ID_WWN_WITH_EXTENSION, and the device
  // run's SCSI_PROBE_QUIRKS, _ATTACH, _REASON, _KEPT. nullopt: not set.
  OptionalText serial, wwn, quirks, attach, reason, kept;
};

struct ShowTarget {
  std::string name;  // H:C:T
  // The transport's name of the target (what scsi-probe.d rules match):
  // "fc", "sas", "iscsi" and the WWPN, SAS address or iSCSI name.
  OptionalText port_transport, port_address;
  OptionalText scan;  // SCSI_PROBE_REASON of its last LUN scan
  std::vector<ShowDevice> devices;
};

struct ShowHost {
  std::string name;  // hostH
  OptionalText proc_name;   // the driver
  OptionalText transport;   // fc, sas, iscsi, spi, ...
  OptionalText host_class;  // SCSI_PROBE_HOST_CLASS
  OptionalText scan;        // SCSI_PROBE_REASON of its last walk
  std::vector<ShowTarget> targets;
};

// The version of the JSON document's schema; raised when a field changes
// meaning or type (fields are only ever added within one version).
inline constexpr int kShowJsonVersion = 2;

// The peripheral device type as lsscsi names it ("disk", "cd/dvd", ...).
std::string device_type_name(int type);

// A size as lsscsi -s prints it: decimal units, three significant digits
// ("10.7GB", "512B").
std::string format_size(uint64_t bytes);

// Hosts, targets and LUNs in natural order of their names (0:0:2 before
// 0:0:10), each node list too.
void sort_naturally(std::vector<ShowHost>& hosts);

// The tree `scsi-probe show` prints from the hosts and targets `only`
// matched (each target with its matching devices): a target with no device
// in it is shown only where `only` takes every LUN, a host with no target
// only where it takes every target; in natural order.
std::vector<ShowHost> assemble_show_tree(std::map<unsigned, ShowHost> hosts, std::map<ScsiTarget, ShowTarget> targets,
                                         const AddressPattern& only);

// One header line per host and per target, one line per LUN in aligned
// columns: [H:C:T:L] type vendor model rev state size driver nodes. The
// record lines (scan, kept) follow their object; `verbose` adds each LUN's
// wwn, serial, handler, quirks, attach and reason lines.
std::string format_columns(const std::vector<ShowHost>& hosts, bool verbose);

// {"version":2,"hosts":[...]}: every field present, null when unknown.
nlohmann::ordered_json show_json(const std::vector<ShowHost>& hosts);

// JSON text as systemd's --json= modes print it: "short" one line, "pretty"
// indented; a final newline either way. Bytes that are not UTF-8 are
// replaced (U+FFFD) so the output is always valid JSON.
std::string format_json_text(const nlohmann::ordered_json& doc, bool pretty);

}  // namespace scsi_probe
