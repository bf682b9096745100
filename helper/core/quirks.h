// Device quirks: the kernel's BLIST flags as scsi-probe finds them (its hwdb,
// the kernel command line, the kernel's own record in sysfs), named and
// classed by what the helper does with them (scan_plan.h has their effect on
// the LUN walk). Matching follows Linux 6.1's drivers/scsi/scsi_devinfo.c so
// that a quirk means the same device to the helper as to the kernel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "blist_flags.h"
#include "properties.h"

namespace scsi_probe {

inline constexpr std::size_t kInquiryVendorWidth = 8;
inline constexpr std::size_t kInquiryModelWidth = 16;
inline constexpr std::size_t kInquiryRevisionWidth = 4;

// An INQUIRY identification field as the kernel keeps it after
// scsi_sanitize_inquiry_string: exactly `width` bytes (bytes the device did
// not send count as NUL), every byte from the first NUL on and every byte
// outside 0x20..0x7e turned into a blank.
std::string kernel_sanitized_field(std::string_view raw, std::size_t width);

// `s` without leading and trailing blanks (inner ones kept).
std::string_view trim_blanks(std::string_view s);

// The hwdb look-up key "scsi-quirk:v<VENDOR>:m<MODEL>:r<REVISION>:" from the
// raw fields of standard INQUIRY data (StandardInquiry::vendor etc.), each
// sanitized as the kernel does and trimmed.
std::string quirk_hwdb_key(std::string_view vendor, std::string_view model,
                           std::string_view revision);

// What the helper does with a flag.
enum class QuirkClass {
  kScan,        // shapes the helper's LUN walk
  kAttach,      // shapes which upper-level driver the helper binds
  kProbe,       // shapes the helper's own INQUIRY / VPD commands
  kKernelOnly,  // the helper does nothing with it
};

// Every class but kScan is also applied by the kernel itself when it creates
// the scsi_device, from its own table and scsi_mod.dev_flags; nothing in
// user space undoes that on 6.1 kernels (no /proc/scsi/device_info on
// Debian). Scan flags matter to the kernel only while it scans.
constexpr bool kernel_applies_at_creation(QuirkClass c) { return c != QuirkClass::kScan; }

// The bits the kernel fixes when it creates a device: the named flags of
// every class but kScan, and the bits 6.1 does not name.
BlistFlags creation_time_flags();

std::string_view quirk_class_name(QuirkClass c);

struct BlistFlagInfo {
  BlistFlags bit;
  std::string_view name;  // BLIST_ name without the prefix, as sysfs prints it
  QuirkClass use;
  std::string_view meaning;
};

// Every flag Linux 6.1 names, in bit order.
std::span<const BlistFlagInfo> blist_flag_table();

// The table row of one bit; nullptr for a bit 6.1 leaves unnamed.
const BlistFlagInfo* blist_flag_info(BlistFlags bit);

// The union of the named bits (the kernel refuses any other bit).
BlistFlags known_blist_flags();

// A flag by name: "NOLUN", "BLIST_NOLUN", or sysfs's "INVALID_BIT(14)".
std::optional<BlistFlags> blist_flag_by_name(std::string_view name);

// The names of the bits of `mask`, in bit order, unnamed bits as sysfs shows
// them ("INVALID_BIT(14)").
std::vector<std::string> blist_flag_names(BlistFlags mask);

// Those names joined by single blanks (sysfs `blacklist` without its newline,
// and the value of SCSI_PROBE_QUIRKS).
std::string format_blist_flags(BlistFlags mask);

// A number as the kernel's kstrtoull(text, 0) reads it: decimal, 0x hex or
// leading-0 octal, an optional '+', one trailing newline; nullopt for
// anything else or an overflow.
std::optional<uint64_t> parse_kernel_ull(std::string_view text);

// The SCSI_QUIRK_<NAME>=1|0 properties of one hwdb look-up.
struct HwdbQuirks {
  bool found = false;       // at least one valid SCSI_QUIRK_ property
  BlistFlags set = 0;       // flags at 1
  BlistFlags cleared = 0;   // flags at 0
  std::vector<std::string> errors;
};

// Reads the properties in order (a later one for the same flag wins, as a
// later hwdb record does); other properties are ignored. An unknown name or a
// value other than 0/1 is reported and skipped.
HwdbQuirks parse_hwdb_quirks(const Properties& hwdb_properties);

// One scsi_mod.dev_flags entry as the kernel stores it: vendor and model cut
// to 8 and 16 characters and blank-padded to exactly that width.
struct DevFlagsEntry {
  std::string vendor;
  std::string model;
  BlistFlags flags = 0;
  bool operator==(const DevFlagsEntry&) const = default;
};

struct DevFlags {
  std::vector<DevFlagsEntry> entries;  // in the order given
  std::vector<std::string> errors;     // the kernel fails to load scsi_mod on any
};

// The value of scsi_mod.dev_flags, "VENDOR:MODEL:FLAGS[,VENDOR:MODEL:FLAGS...]"
// with FLAGS a number, parsed as scsi_dev_info_list_add_str does: a leading
// '"' makes '"' end flags too; an empty vendor ends the list; the first bad
// entry (missing field, bad number, a bit 6.1 does not know) ends it with an
// error. A value over 255 characters is refused whole, as the kernel does.
DevFlags parse_dev_flags(std::string_view value);

// The kernel's entry for a device among dev_flags entries: vendor and model
// must equal the sanitized INQUIRY fields byte for byte, blanks included; the
// entry given last wins (the kernel adds each at the head of its list).
const DevFlagsEntry* find_dev_flags_entry(std::span<const DevFlagsEntry> entries,
                                          std::string_view vendor, std::string_view model);

// Whether a built-in table entry matches a device (raw INQUIRY fields): the
// vendor equal to the trimmed sanitized vendor, the model a prefix of the
// trimmed sanitized model.
bool builtin_entry_matches(std::string_view entry_vendor, std::string_view entry_model,
                           std::string_view vendor, std::string_view model);

// The scsi_mod quirk parameters given on the kernel command line.
struct KernelQuirkParameters {
  std::vector<DevFlagsEntry> dev_flags;
  std::optional<BlistFlags> default_dev_flags;
  std::vector<std::string> errors;
};

// Reads scsi_mod.dev_flags= and scsi_mod.default_dev_flags= from a
// /proc/cmdline text: words split at blanks outside double quotes, quotes
// around a value dropped, '-' and '_' alike in names, the last one wins.
KernelQuirkParameters parse_kernel_cmdline(std::string_view cmdline);

// The sysfs `default_dev_flags` parameter ("%llu\n"), nullopt when broken.
std::optional<BlistFlags> parse_default_dev_flags(std::string_view text);

// A scsi_device's sysfs `blacklist`: the names of the flags the kernel
// applied, blank separated, newline ended, empty when none.
struct SysfsBlacklist {
  BlistFlags flags = 0;
  std::vector<std::string> errors;
};
SysfsBlacklist parse_sysfs_blacklist(std::string_view text);

enum class QuirkSource {
  kNone,      // nothing matched and no default
  kHwdb,      // scsi-probe's hwdb (the kernel table plus local files)
  kDevFlags,  // a scsi_mod.dev_flags entry
  kDefault,   // scsi_mod.default_dev_flags
  kKernel,    // the device's sysfs `blacklist` (driver-set flags included)
};

std::string_view quirk_source_name(QuirkSource s);

struct QuirkDecision {
  BlistFlags flags = 0;              // what the helper acts on
  QuirkSource source = QuirkSource::kNone;
  std::vector<std::string> notes;    // errors and flags that could not be cleared
  // Flags the hwdb sets that the kernel fixes at creation and did not apply
  // to this device (kHwdb, with the device's sysfs `blacklist` known), and
  // the run-time dev_flags entry (dev_flags_entry below) that gives the
  // hwdb's flags to the devices of this model created later; nullopt when
  // nothing is missing or the parameter cannot say it.
  BlistFlags not_applied = 0;
  std::optional<std::string> dev_flags_entry = std::nullopt;
};

// The flags for a device. Like the kernel, a dev_flags entry for the device
// wins over the table (here: the hwdb). `kernel_applied` is the device's
// sysfs `blacklist` when it exists. When neither matches, the kernel used a
// driver's flags (usb-storage sets some) or default_dev_flags: the helper
// takes what the kernel applied, else default_dev_flags. Flags fixed at
// creation (every class but kScan) that the kernel applied stay on whatever
// the hwdb says, since they are in force anyway.
QuirkDecision decide_quirks(std::string_view vendor, std::string_view model,
                            const Properties& hwdb_properties,
                            const KernelQuirkParameters& kernel,
                            std::optional<BlistFlags> kernel_applied);

// The entry that, written to scsi_mod's `dev_flags` at run time (a kernel
// with kernel/patches 0003), gives `flags` to the devices of this vendor
// and model (raw INQUIRY fields) that the kernel creates from then on:
// "VENDOR:MODEL:0xFLAGS", the fields sanitized as the kernel keeps them and
// their trailing blanks cut (the kernel pads them back, and its run-time
// entries match all 8 and 16 bytes). nullopt where the parameter cannot
// say it: a ':', ',' or '"' in a field, or a vendor that is blank or starts
// with a blank (the kernel strips leading white space off what is written).
std::optional<std::string> dev_flags_entry(std::string_view vendor, std::string_view model,
                                           BlistFlags flags);

}  // namespace scsi_probe
