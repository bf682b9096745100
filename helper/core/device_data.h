// What the kernel already knows about one scsi_device (its cached INQUIRY
// and VPD pages in sysfs), and the pure decision of which VPD pages still
// have to be read over SG_IO. The kernel's cache is the authority: a page is
// sent for only when the kernel itself read VPD from this device, page 0
// lists the page, and the kernel's copy is missing. A device the kernel chose
// to spare (SCSI-2, usb-storage's skip_vpd_pages, BLIST_SKIP_VPD_PAGES) has
// no vpd_pg0 and gets no VPD command from us either.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "blist_flags.h"

namespace scsi_probe {

struct DeviceData {
  std::vector<uint8_t> inquiry;                 // sysfs `inquiry`
  std::map<uint8_t, std::vector<uint8_t>> vpd;  // page -> bytes, as present
  // Pages asked for that did not come back (timeout, transport error, sense
  // other than ILLEGAL REQUEST): unknown, unlike a page the device rejected,
  // which `vpd` holds as an empty answer.
  std::set<uint8_t> unreadable;
  int scsi_level = -1;                          // sysfs `scsi_level`, -1 unknown
  BlistFlags kernel_flags = 0;                  // sysfs `blacklist`

  const std::vector<uint8_t>* page(uint8_t code) const;
};

// Where identification takes the standard INQUIRY data from. The kernel's
// `inquiry` has vendor, model and revision sanitized (other bytes blanked,
// everything after a NUL too), while scsi_id and sg_inq see the device's own
// bytes. A patched kernel keeps those in `inquiry_raw` (absent on 6.1 as
// Debian ships it); else the device is asked, with one INQUIRY.
enum class InquirySource {
  kKernelRawCopy,        // sysfs `inquiry_raw`: no command
  kDevice,               // one INQUIRY over SG_IO
  kKernelSanitizedCopy,  // sysfs `inquiry`: no command may be sent, or the INQUIRY failed
};

// Whether INQUIRY data can stand for the device's answer: it reaches the
// additional length (byte 4), as the INQUIRY over SG_IO must.
bool usable_inquiry(std::span<const uint8_t> data);

// `raw`: sysfs `inquiry_raw`, nullopt where the kernel has no such
// attribute; `may_send_commands`: false where the identification comes from
// the udev database (a synthetic change, `explain`).
InquirySource choose_inquiry_source(const std::optional<std::vector<uint8_t>>& raw, bool may_send_commands);

// For the device run's log line ("INQUIRY: ...") and `explain`.
std::string_view inquiry_source_text(InquirySource s);

// The sysfs attribute name of a VPD page ("vpd_pg0", "vpd_pg80", "vpd_pgb0").
std::string vpd_attribute_name(uint8_t page);

// The VPD pages the kernel (6.1) caches in sysfs.
bool kernel_caches_vpd_page(uint8_t page);

struct VpdFetch {
  std::vector<uint8_t> pages;  // to read over SG_IO, in order
  std::string reason;          // why (or why nothing), for the log
};

// Which of `wanted` must be read over SG_IO for this device.
VpdFetch plan_vpd_fetches(const DeviceData& d, std::span<const uint8_t> wanted);

// What one VPD INQUIRY over SG_IO says about the page: its bytes; rejected
// (ILLEGAL REQUEST or INVALID OPCODE, or an empty answer: the device has no
// such page, as scsi_id concludes too); or unknown (anything else: timeout,
// transport error, MEDIUM or HARDWARE ERROR, ABORTED COMMAND after retries).
enum class VpdRead { kPage, kRejected, kUnreadable };
VpdRead classify_vpd_read(bool ok, bool has_data, int sg_lib_category);

// Records one read's outcome in `d`.
void record_vpd_read(DeviceData& d, uint8_t page, VpdRead outcome, std::vector<uint8_t> bytes);

}  // namespace scsi_probe
