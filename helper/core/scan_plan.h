// The kernel's LUN-scan decisions (drivers/scsi/scsi_scan.c of Linux 6.1),
// made one event at a time from user space: which LUN carries REPORT LUNS,
// when REPORT LUNS is used at all, the sequential fallback, which reported
// LUNs to instantiate through the host's `scan` attribute, whether a probed
// LUN counts as added, and how a long list is cut into bounded runs.
// Pure: every fact comes in as a plain struct; every decision says why.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "blist_flags.h"

namespace scsi_probe {

// include/scsi/scsi.h scsi_level values (ANSI version + 1; 0 is unknown).
inline constexpr int kScsiLevelUnknown = 0;
inline constexpr int kScsiLevel1 = 1;
inline constexpr int kScsiLevel1Ccs = 2;
inline constexpr int kScsiLevel2 = 3;
inline constexpr int kScsiLevel3 = 4;

// scsi_mod.max_luns default (MAX_SCSI_LUNS).
inline constexpr uint64_t kDefaultMaxScsiLuns = 512;

// scsi_mod.scan, as the kernel reads it: it compares prefixes ("none",
// "manual", "sync") and treats anything else as async.
enum class ScanMode { kSync, kAsync, kManual, kNone };
ScanMode parse_scan_mode(std::string_view text);
// "sync", "async", "manual", "none".
std::string_view scan_mode_name(ScanMode mode);

// How a host's `scan` attribute bounds the LUN it is given.
enum class ScanLunCheck {
  kBelowMaxLun,  // scsi_scan_host_selected: lun >= max_lun is EINVAL
  kUpToMaxLun,   // fc_user_scan: lun > max_lun is EINVAL
  kUnchecked,    // sas_user_scan (6.1), which does not look at the LUN
};

struct HostLimits {
  // Scsi_Host.max_lun; sysfs does not show it: known from EINVAL on `scan`
  // writes or from the driver. nullopt: unknown (no LUN is filtered for it).
  std::optional<uint64_t> max_lun;
  ScanLunCheck scan_check = ScanLunCheck::kBelowMaxLun;
};

// Whether the host's `scan` attribute takes this LUN: its limit check and the
// 16-character LUN field of scsi_scan() (scsi_sysfs.c).
bool scan_attribute_admits(uint64_t linux_lun, const HostLimits& host);

// The text to write to the host's `scan` attribute: "C T L", L in decimal,
// or in hex ("0x...", which the kernel's simple_strtoull also takes) when
// decimal would not fit the 16 characters. nullopt when neither fits.
std::optional<std::string> scan_attribute_value(unsigned channel, unsigned id, uint64_t linux_lun);

// "C T -": the kernel's own scan of one target (scsi_scan_host_selected with
// a wild-card LUN, i.e. __scsi_scan_target).
std::string scan_attribute_target_value(unsigned channel, unsigned id);

// --- Does the helper scan at all? ---------------------------------------

enum class ScanTrigger {
  kTargetAdded,  // scsi_target add, or a transport's target event
  kRescan,       // REPORTED LUNS DATA HAS CHANGED, or `udevadm trigger --action=change`
};

// The trigger of a host or target run from its uevent action: "add" is an
// added target, anything else (change) a rescan.
ScanTrigger scan_trigger(std::string_view action);

struct Decision {
  bool yes = false;
  std::string reason;
};

// scsi_scan_host / scsi_scan_target / scsi_scan_host_selected: under sync and
// async the kernel has already scanned an added target (do not duplicate) but
// never rescans on a change; under manual every scan is ours; under none the
// kernel refuses transport scans (scsi_scan_target returns at once) and the
// administrator asked for no automatic scanning at all.
Decision helper_scans(ScanMode mode, ScanTrigger trigger);

// --- One probed LUN: scsi_probe_and_add_lun -------------------------------

// The scanning-relevant fields of a LUN's standard INQUIRY data.
struct LunInquiry {
  uint8_t qualifier = 0;       // peripheral qualifier
  uint8_t device_type = 0x1f;  // peripheral device type
  int scsi_level = kScsiLevelUnknown;  // kernel_scsi_level()
};

// SCSI_SCAN_NO_RESPONSE / _TARGET_PRESENT / _LUN_PRESENT.
enum class ProbeResult { kNoResponse, kTargetPresent, kLunPresent };

struct ProbeDecision {
  ProbeResult result = ProbeResult::kNoResponse;
  std::string reason;
};

// What the kernel makes of a LUN's INQUIRY (nullopt: the INQUIRY failed).
// `pdt_1f_for_no_lun` is the target flag usb-storage sets for UFI devices:
// type 0x1f then means no LUN whatever the qualifier.
ProbeDecision classify_probe(uint64_t linux_lun, const std::optional<LunInquiry>& inquiry,
                             bool pdt_1f_for_no_lun = false);

// --- Which LUN carries REPORT LUNS ----------------------------------------

enum class TargetAccess {
  kLun0,              // LUN 0 exists: REPORT LUNS through it
  kWellKnownLun,      // (write "C T 49409"), REPORT LUNS through it, delete it after
  kExistingLun,       // another LUN of the target exists: REPORT LUNS through it
  kKernelTargetScan,  // write "C T -": the kernel scans this one target
};

struct TargetAccessInput {
  bool lun0_present = false;  // a scsi_device for LUN 0 exists after "C T 0"
  bool well_known_lun_tried = false;    // "C T 49409" was written
  bool well_known_lun_present = false;  // ... and its scsi_device appeared
  HostLimits host;
  // The target's LUNs in sysfs, ascending: LUN 0, a well-known LUN an
  // earlier run left, or any LUN carries REPORT LUNS as well.
  std::span<const uint64_t> existing;
};

struct TargetAccessDecision {
  TargetAccess access = TargetAccess::kKernelTargetScan;
  uint64_t via = 0;          // the LUN that carries REPORT LUNS (not kKernelTargetScan)
  bool instantiate = false;  // write "C T <via>" first, then ask again with what it gave
  std::string reason;
};

// User space cannot see what the kernel saw at LUN 0 when it added nothing
// (no response, qualifier 3, or qualifier 1 with type 0x1f all look alike);
// it needs a device node on the target to ask.
TargetAccessDecision choose_target_access(const TargetAccessInput& in);

// --- REPORT LUNS or sequential: scsi_report_lun_scan's first checks and
// scsi_sequential_lun_scan's bounds ------------------------------------------

struct LunScanInput {
  // starget->scsi_level: from the INQUIRY of LUN 0 (or of the LUN the target
  // was reached through).
  int scsi_level = kScsiLevel2;
  // The flags of LUN 0's vendor/model (scsi_get_device_flags). Note that the
  // kernel's own upgrade of TYPE_ROM / TYPE_RBC to NOREPORTLUN in
  // scsi_add_lun never reaches this scan: scsi_probe_and_add_lun copies the
  // flags out before calling it.
  BlistFlags flags = 0;
  // starget->no_report_luns: usb-storage sets it on every target, uas with
  // its NO_REPORT_LUNS quirk.
  bool no_report_luns = false;
  HostLimits host;
  uint64_t max_scsi_luns = kDefaultMaxScsiLuns;  // scsi_mod.max_luns
};

enum class LunScanMethod {
  kReportLuns,  // REPORT LUNS; if the command fails, the sequential scan
  kSequential,  // the sequential scan
  kLun0Only,    // BLIST_NOLUN: nothing past LUN 0
};

// scsi_sequential_lun_scan: probe first_lun, first_lun + 1, ... below end;
// stop at the first LUN not added unless sparse.
struct SequentialScan {
  uint64_t first_lun = 1;
  uint64_t end = 1;  // exclusive
  bool sparse = false;
  std::string reason;
};

struct LunScanPlan {
  LunScanMethod method = LunScanMethod::kSequential;
  SequentialScan sequential;  // the scan, or the fallback of kReportLuns
  std::string reason;
};

LunScanPlan plan_lun_scan(const LunScanInput& in);

// The first LUN of a sequential scan, or nullopt when there is none.
std::optional<uint64_t> first_sequential_lun(const SequentialScan& scan);

// The next LUN of a sequential scan after `probed` (added or not), or nullopt
// when the scan is over.
std::optional<uint64_t> next_sequential_lun(const SequentialScan& scan, uint64_t probed, bool added);

// --- The reported list: what to instantiate --------------------------------

enum class LunAction {
  kInstantiate,        // write "C T L"
  kAlreadyPresent,     // a scsi_device exists (the kernel's probe finds it and stops)
  kAlreadyProbed,      // LUN 0: probed before REPORT LUNS was sent
  kDuplicate,          // listed twice: the second probe would find the first
  kBeyondHostMaxLun,   // scsi_report_lun_scan: "LUN larger than allowed by the host adapter"
  kKernelScanOnly,     // the kernel would probe it but `scan` refuses it
};

struct LunChoice {
  uint64_t linux_lun = 0;
  LunAction action = LunAction::kInstantiate;
  std::string reason;
};

struct ReportedLunsInput {
  std::span<const uint64_t> reported;  // Linux LUNs in the device's order
  std::span<const uint64_t> existing;  // LUNs of this target in sysfs
  bool lun0_probed = true;             // "C T 0" was already written
  HostLimits host;
};

// scsi_report_lun_scan's loop: every listed LUN not above max_lun is probed,
// in list order (well-known LUNs included: the kernel does not skip them and
// scsi_probe_and_add_lun exempts them from the "type 0x1f" rule). A LUN that
// answers "not here" is simply not added and the list goes on; the kernel
// aborts the list only on a LUN that gives no response at all, which a
// `scan` write cannot tell apart from "not here", so the shell goes on.
std::vector<LunChoice> choose_reported_luns(const ReportedLunsInput& in);

// Whether the REPORT LUNS well-known LUN that carried the command must be
// deleted after use: yes, unless the target itself listed it (then the
// kernel's scan would have kept it).
bool delete_well_known_lun_after_use(std::span<const uint64_t> reported);

// A `scan` write failed because the host went away while it was scanned:
// its sysfs folder is gone (ENOENT), or it was removed under the open file
// (ENODEV, ENXIO). Every later write fails the same way: stop, and say so.
bool host_gone_error(int error);
// The scsi_host `state` of a host being removed ("cancel", "deleted",
// "cancel/recovery", "deleted/recovery"): its `scan` writes do nothing.
bool host_state_removed(std::string_view state);

// --- Bounded runs ------------------------------------------------------------

// The udev property that carries the continuation cursor in a synthetic
// change uevent: `SCSI_PROBE_CONTINUE=<next-index>`.
inline constexpr std::string_view kContinueProperty = "SCSI_PROBE_CONTINUE";

struct BatchLimits {
  std::size_t max_luns_per_run = 256;
  std::chrono::milliseconds max_run_time{30000};
};

// The slice [begin, end) of choose_reported_luns() this run goes through
// (writing its kInstantiate entries). The cursor is an index into that list,
// which keeps the device's order and every entry whatever exists already, so
// an index means the same in every run (the list of LUNs still to write
// would not: it shrinks as LUNs appear). Entries before the cursor were handled by earlier
// runs; LUNs that answered "not here" are not tried again. A run always does
// at least one entry, so a chain of runs ends after at most `total` runs. A
// list that changes between runs raises REPORTED LUNS DATA HAS CHANGED, whose
// rescan starts again at 0.
struct Batch {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::optional<std::size_t> next;  // cursor for the next run; nullopt: done
};

// Only some entries need a scan write (`writes[i]`): a run covers entries
// until it has max_luns_per_run writes (entries before `cursor` are not
// looked at).
Batch plan_batch(const std::vector<bool>& writes, std::size_t cursor, const BatchLimits& limits);

// Called by the shell after writing entry `done - 1` of the batch with
// `elapsed` time since the run started: the cursor to continue from when the
// time budget is spent (the rest of the slice goes to the next run), or
// nullopt to go on.
std::optional<std::size_t> stop_for_time(const Batch& batch, std::size_t done,
                                         std::chrono::milliseconds elapsed,
                                         const BatchLimits& limits);

std::string format_continue_cursor(std::size_t cursor);
// Decimal digits only, no sign, no blanks; nullopt otherwise.
std::optional<std::size_t> parse_continue_cursor(std::string_view text);

}  // namespace scsi_probe
