// Everything decided about one scsi_device, from the facts the shell
// gathered (device_gather.h): its identification properties, the quirks in
// force, what the policy asks, what attaches, whether a device in use is
// kept; then what the run prints and logs once the shell has carried the
// attach decision out, and what `explain` prints. `scsi-probe device` and
// `explain` decide through decide_device_run alone, so they cannot
// disagree; `show` prints what the last device run printed (the udev
// database) and decides nothing. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "attach_outcome.h"
#include "attach_policy.h"
#include "device_data.h"
#include "device_use.h"
#include "explanation.h"
#include "inquiry.h"
#include "lun_policy.h"
#include "properties.h"
#include "quirks.h"
#include "scsi_address.h"

namespace scsi_probe {

// What sysfs shows about a scsi_device that the attach decision reads.
struct SysfsAttachFacts {
  std::optional<long long> type;                 // `type`
  std::optional<std::string> blacklist;          // `blacklist`
  std::optional<std::vector<uint8_t>> vpd_pg83;  // the kernel's own copy, when not empty
  std::optional<std::string> dh_state;           // `dh_state`
  std::optional<std::string> bound_driver;       // the `driver` link

  // The decision's input: these facts, the kernel's INQUIRY copy, the quirk
  // flags in force and the policy's request. Points into `this`.
  AttachInput input(std::span<const uint8_t> kernel_inquiry, BlistFlags quirk_flags,
                    const AttachRequest& request) const;
};

struct DeviceFacts {
  std::string name;  // the sysname, "H:C:T:L"
  std::optional<ScsiAddress> address;  // nullopt: not an H:C:T:L name
  // The uevent's ACTION: "add" and "change" carry the attach decision out;
  // anything else (a bind event, `explain`, `show`) only decides.
  std::string action;
  // The scan run that created the device decides (lun_policy's
  // decide_device: an unlisted LUN it instantiated to identify goes again).
  bool created_here = false;
  // `explain`: a removal or unbind is explained with the device's use now.
  bool explain = false;
  // Identification input: `inquiry` from `inquiry_source`; `vpd` the
  // kernel's pages plus those read over SG_IO.
  DeviceData data;
  InquirySource inquiry_source = InquirySource::kKernelSanitizedCopy;
  std::vector<uint8_t> kernel_inquiry;  // sysfs `inquiry`, for the attach decision
  // The identification the udev database holds (a synthetic change,
  // `explain`): used as it is, no command was sent.
  std::optional<Properties> known;
  std::string vpd_plan;                 // why these VPD pages were read, for the log
  std::vector<std::string> warnings;    // what gathering could not do, in order
  int commands = 0;                     // SCSI commands sent while gathering
  std::optional<QuirkDecision> quirks;  // nullopt: the INQUIRY data does not parse
  TargetIdentity target;                // the transport's name of the target
  SysfsAttachFacts sysfs;
  // Gathered only when a decision asks for it (DeviceDecision::needs_use):
  // the look is not free (every process's open files, an O_EXCL open).
  std::optional<UseVerdict> use;
};

struct DeviceDecision {
  bool no_data = false;  // no INQUIRY data at all: nothing to decide
  std::optional<StandardInquiry> inquiry;  // of facts.data.inquiry
  // Identification, then SCSI_PROBE_QUIRKS and SCSI_PROBE_QUIRKS_SOURCE.
  Properties properties;
  std::vector<std::string> warnings;  // the facts', identification's, quirks', a keep's
  std::optional<LunAddress> lun;      // nullopt: not an H:C:T:L device
  LunIdentity identity;               // what a wwn rule matches
  std::optional<AttachDecision> attach;  // nullopt: no address, or INQUIRY lacks byte 0
  bool acts = false;  // the shell carries `attach` out (action add or change)
  // The decision would delete or unbind the device: gather facts.use, then
  // decide again (a device in use is kept, attach->kept says why).
  bool needs_use = false;
};

DeviceDecision decide_device_run(const DeviceFacts& facts, const Policy& policy);

// What the shell did with DeviceDecision::attach (when `acts`).
struct AttachApplied {
  bool carried_out = false;
  AttachEffects effects;
  std::vector<std::string> problems;  // each write or load that failed
  long long ms = 0;                   // how long it took (a bind runs the driver's probe)
};

struct DeviceRunReport {
  bool no_data = false;
  // The decided driver is bound (or the kernel binds it): only then does a
  // scan run hand the keys over. false also without an attach decision.
  bool attached = false;
  std::string properties;  // stdout, KEY=value lines as udev imports them
  std::string log;         // the summary line, after "scsi-probe device H:C:T:L: "
};

// `identify_ms`: from the start of the run to the attach (or the end).
DeviceRunReport report_device_run(const DeviceFacts& facts, const DeviceDecision& decision,
                                  const AttachApplied& applied, long long identify_ms);

// What `explain` shows beyond the decision's facts.
struct ExplainFacts {
  std::string vendor, model, type;  // sysfs text attributes, "?" when absent
  std::string scan_mode;            // scsi_mod.scan, "?" when unknown
  std::string target_scan;          // the target's SCSI_PROBE_REASON; empty: no record
  // The device's record in the udev database (ID_SERIAL,
  // ID_WWN_WITH_EXTENSION, SCSI_PROBE_*); unset keys absent.
  Properties record;
  Properties hwdb;  // the matching hwdb record's properties
};

// What `explain` tells of a device: found, identified, quirks, policy,
// attach, step by step, and the decisions. `decision` must have an inquiry
// (the caller reports one that has none).
Explanation explain_device(const DeviceFacts& facts, const ExplainFacts& more, const DeviceDecision& decision,
                           const Policy& policy);

}  // namespace scsi_probe
