// Identification of one device from its cached INQUIRY and VPD pages: the
// scsi_id-compatible ID_* lines, the sg_inq-compatible SCSI_* lines, and the
// choice of pages still to read over SG_IO.
// Input: fuzz::device_data() (fuzz_input.h), as the udev_import target.
#include <algorithm>
#include <array>
#include <set>

#include "device_data.h"
#include "fuzz_input.h"
#include "identify.h"
#include "scsi_id_properties.h"

using namespace scsi_probe;

namespace {

const std::set<std::string> kScsiIdKeys{
    "ID_SCSI",         "ID_VENDOR", "ID_VENDOR_ENC",           "ID_MODEL",
    "ID_MODEL_ENC",    "ID_REVISION", "ID_TYPE",               "ID_SERIAL",
    "ID_SERIAL_SHORT", "ID_WWN",    "ID_WWN_VENDOR_EXTENSION", "ID_WWN_WITH_EXTENSION",
    "ID_TARGET_PORT",  "ID_SCSI_SERIAL"};

// Every ID_* value is one line, but scsi_id's ID_WWN*: scsi_id copies an
// ASCII NAA designator's bytes into it raw, LF and CR included, and the core
// keeps its values byte for byte. Such a value never reaches udev whole:
// format_udev_properties() cuts it (udev_safe_value), which check_import()
// and the udev_import target check. A policy's WWN rule is hex digits only,
// so it never matches such a value either.
bool single_line(std::string_view key) {
  return key.starts_with("ID_") && !key.starts_with("ID_WWN");
}

bool hex_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

void check_scsi_id(const ScsiIdInput& in) {
  const ScsiIdResult r = scsi_id_properties(in);
  std::set<std::string> seen;
  for (const auto& p : r.properties) {
    fuzz::check_property(p, single_line(p.key));
    FUZZ_CHECK(kScsiIdKeys.count(p.key));
    FUZZ_CHECK(seen.insert(p.key).second);
    if (p.key == "ID_VENDOR" || p.key == "ID_MODEL" || p.key == "ID_REVISION" ||
        p.key == "ID_SERIAL" || p.key == "ID_SERIAL_SHORT")
      for (char c : p.value) FUZZ_CHECK(c != ' ' && c != '\t' && c != '\r');
    if (p.key == "ID_SERIAL" || p.key == "ID_SERIAL_SHORT") FUZZ_CHECK(p.value.size() <= 255);
    if (p.key == "ID_WWN" || p.key == "ID_WWN_VENDOR_EXTENSION")
      FUZZ_CHECK(p.value.starts_with("0x") && p.value.size() <= 18);
    if (p.key.starts_with("ID_WWN")) FUZZ_CHECK(p.value.starts_with("0x"));
    if (p.key == "ID_TARGET_PORT") FUZZ_CHECK(!p.value.empty() && hex_digits(p.value));
  }
  FUZZ_CHECK(seen.count("ID_SCSI") && seen.count("ID_TYPE"));
  for (uint8_t page : r.requested_pages) FUZZ_CHECK(page == 0x00 || page == 0x80 || page == 0x83);
  for (uint8_t page : r.missing_pages) {
    FUZZ_CHECK(std::count(r.requested_pages.begin(), r.requested_pages.end(), page) == 1);
    const auto& answer = page == 0x00 ? in.vpd_pg0 : page == 0x80 ? in.vpd_pg80 : in.vpd_pg83;
    FUZZ_CHECK(!answer.has_value());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const DeviceData d = fuzz::device_data(in);
  ScsiIdInput sid;
  sid.inquiry = d.inquiry;
  if (auto* p = d.page(0x00)) sid.vpd_pg0 = *p;
  if (auto* p = d.page(0x80)) sid.vpd_pg80 = *p;
  if (auto* p = d.page(0x83)) sid.vpd_pg83 = *p;

  check_scsi_id(sid);

  const Identity id = identify_device(d);
  for (const auto& p : id.properties) {
    FUZZ_CHECK(p.key.starts_with("ID_") || p.key.starts_with("SCSI_"));
    fuzz::check_property(p, single_line(p.key));
  }
  fuzz::check_import(id.properties);
  for (const auto& w : id.warnings) FUZZ_CHECK(!w.empty() && w.find('\n') == std::string::npos);

  // SG_IO only for what page 0 lists and the kernel did not cache, and
  // nothing at all without the kernel's page 0.
  constexpr std::array<uint8_t, 7> kWanted{0x00, 0x80, 0x83, 0x89, 0xb0, 0xb1, 0xb2};
  const VpdFetch f = plan_vpd_fetches(d, kWanted);
  FUZZ_CHECK(!f.reason.empty());
  if (!d.page(0x00)) FUZZ_CHECK(f.pages.empty());
  for (uint8_t page : f.pages) {
    FUZZ_CHECK(!d.page(page));
    FUZZ_CHECK(std::find(kWanted.begin(), kWanted.end(), page) != kWanted.end());
    FUZZ_CHECK(std::find(d.page(0x00)->begin() + 4, d.page(0x00)->end(), page) !=
               d.page(0x00)->end());
  }
  return 0;
}
