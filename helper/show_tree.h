// What `scsi-probe show` prints: the hosts, targets and LUNs the kernel has,
// with their identification and scsi-probe's decisions, as an lsscsi-like
// tree or as JSON (schema in scsi-probe(8)). Pure formatting over plain
// structs; the shell fills them from sysfs and the udev database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace scsi_probe {

struct ShowDevice {
  std::string address;     // H:C:T:L
  int type = -1;           // peripheral device type, -1 unknown
  std::string vendor, model, revision;  // sysfs, blank-trimmed
  std::string driver;      // bound upper-level driver, empty for none
  std::string handler;     // device handler (dh_state), empty for none
  std::vector<std::string> nodes;       // /dev/sdX, /dev/sgN, ...
  std::string serial;      // ID_SERIAL
  std::string wwn;         // ID_WWN_WITH_EXTENSION
  std::string quirks;      // SCSI_PROBE_QUIRKS
  std::string attach;      // SCSI_PROBE_ATTACH
  std::string reason;      // SCSI_PROBE_REASON
  std::string kept;        // SCSI_PROBE_KEPT: a removal or unbind held back, and why
};

struct ShowTarget {
  std::string name;  // H:C:T
  std::vector<ShowDevice> devices;
  std::string scan;  // SCSI_PROBE_REASON of its last LUN scan (kept and removed LUNs), if known
};

struct ShowHost {
  std::string name;       // hostH
  std::string proc_name;  // driver
  std::string transport;  // fc, sas, iscsi, spi, ... or empty
  std::string scan;       // SCSI_PROBE_REASON of its last walk, if known
  std::vector<ShowTarget> targets;
};

// The peripheral device type as lsscsi names it ("disk", "cd/dvd", ...).
std::string device_type_name(int type);

std::string format_tree(const std::vector<ShowHost>& hosts);

// One JSON object: {"version":1,"hosts":[...]}; strings escaped per RFC 8259.
std::string format_json(const std::vector<ShowHost>& hosts);

// A JSON string literal for `s` (bytes that are not valid UTF-8 are escaped
// as \u00XX of their Latin-1 reading, so the output is always valid JSON).
std::string json_string(const std::string& s);

}  // namespace scsi_probe
