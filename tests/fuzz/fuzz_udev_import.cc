// The whole path from a device's bytes to what udev imports: standard
// INQUIRY, pages 0x00, 0x80 and 0x83 through the identification
// (identify_device: scsi_id's ID_*, sg_inq's SCSI_*) to the text the helper
// prints for IMPORT{program} and writes into the handoff file for
// IMPORT{file}, read back by a model of udev 252's own parsing
// (udev_import_model.h). Input: fuzz::device_data() (fuzz_input.h), as the
// identify target.
#include "device_data.h"
#include "fuzz_input.h"
#include "identify.h"
#include "udev_import_model.h"
#include "udev_string.h"

using namespace scsi_probe;

namespace {

// Keys whose value the reference tool prints raw from the device's bytes:
// sg_inq's SCSI name string and MD5 hex dump (several lines), scsi_id's
// ID_WWN* taken from an ASCII NAA designator. The only ones
// udev_safe_value() may cut or mark.
bool may_be_cut(std::string_view key) {
  return key.ends_with("_NAME") || key.ends_with("_MD5") || key.starts_with("ID_WWN");
}

// What udev reads of "KEY=value" when the value holds no line end: the
// value without blanks around it and without one pair of enclosing quotes.
// scsi_id (ID_SCSI_SERIAL) and sg_inq print some values raw, so the
// reference tools' values read the same way.
std::string as_udev_reads(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  return std::string(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const DeviceData d = fuzz::device_data(in);

  Identity id = identify_device(d);
  Properties props = id.properties;
  // The shell's own keys ride along in the same text.
  std::string warnings;
  for (const auto& w : id.warnings) warnings += (warnings.empty() ? "" : "; ") + w;
  set_property(props, "SCSI_PROBE_WARNING", warnings);
  set_property(props, "SCSI_PROBE_COMMANDS", "0");

  fuzz::check_import(props);

  const std::string text = format_udev_properties(props);
  for (const Properties& parsed : {fuzz::udev_read_program_output(text), fuzz::udev_read_file(text)}) {
    // check_import() showed that the parsed properties are ours, one for
    // each key, the value udev would have kept of all of ours: pair them up.
    Properties kept;
    for (const auto& mine : props) {
      const std::string v = udev_safe_value(mine.value);
      if (!v.empty() && fuzz::expected_import({mine.key, v})) kept.push_back(mine);
    }
    kept = fuzz::last_of_each_key(kept);
    std::size_t j = 0;
    for (const auto& mine : kept) {
      FUZZ_CHECK(j < parsed.size());
      const Property& p = parsed[j++];
      FUZZ_CHECK(p.key == mine.key);
      FUZZ_CHECK(p.key.starts_with("ID_") || p.key.starts_with("SCSI_"));
      // Other values never need cutting: they hold no control byte, and
      // udev reads of ours what it reads of the tool's.
      if (!may_be_cut(p.key) && !p.key.starts_with("SCSI_PROBE_")) {
        FUZZ_CHECK(!has_control_char(mine.value));
        FUZZ_CHECK(p.value == as_udev_reads(mine.value));
      }
    }
    FUZZ_CHECK(j == parsed.size());
    // The mandatory keys are there, whatever the device sent.
    FUZZ_CHECK(find_property(parsed, "ID_SCSI") && *find_property(parsed, "ID_SCSI") == "1");
    FUZZ_CHECK(find_property(parsed, "SCSI_PROBE_COMMANDS") &&
               *find_property(parsed, "SCSI_PROBE_COMMANDS") == "0");
  }
  return 0;
}
