// The administrator's LUN policy: which LUNs to instantiate and which to
// attach, from /etc/scsi-probe.d/*.conf and the kernel command line
// (scsi-probe.d(5) is the reference for the format). Parsing and decisions
// are pure: the shell reads the files and sysfs, this module decides.
//
// One rule per line: a match, then actions.
//
//   hctl  H:C:T:L                 ACTION...
//   fc    WWPN        [lun LUNS]  ACTION...
//   sas   SAS-ADDRESS [lun LUNS]  ACTION...
//   iscsi TARGETNAME  [lun LUNS]  ACTION...
//   wwn   naa.HEX | eui.HEX | 0xHEX  ACTION...
//
// ACTION: instantiate | skip, attach | no-attach,
//         handler=auto|none|alua|emc|hp_sw|rdac, unreported=keep|remove
//         (not on wwn rules).
//
// The last matching rule that says something about an aspect decides it
// (files in name order, then the kernel command line). An `instantiate` rule
// that names a target lists that target's LUNs: its LUNs that no rule
// matches are not instantiated (but one that exists is kept: only `skip`
// removes); targets no such rule names keep the kernel's behaviour. A WWN is known only once a LUN exists, so before instantiation
// a WWN rule that could change the outcome makes it "instantiate, identify,
// then keep or remove" (InstantiateDecision::provisional).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attach_policy.h"
#include "properties.h"
#include "scsi_address.h"
#include "vpd_device_id.h"

namespace scsi_probe {

// Where policy files live, and the kernel command line parameter.
inline constexpr std::string_view kPolicyCmdlineParameter = "scsi_probe.policy";
// The source name of rules from the kernel command line; their "line" is the
// rule's number among all scsi_probe.policy= rules there (1 = first).
inline constexpr std::string_view kCmdlineSource = "kernel command line";

// --- Facts about a LUN ---------------------------------------------------------

enum class Transport { kNone, kFc, kSas, kIscsi };
std::string_view transport_keyword(Transport t);  // "fc", "sas", "iscsi", "" for none

// The transport's name of the target, known before any LUN exists: FC
// rport `port_name`, sas_device `sas_address`, iscsi_session `targetname`,
// as sysfs prints them (a trailing newline is fine).
struct TargetIdentity {
  Transport transport = Transport::kNone;
  std::string address;
};

struct LunAddress {
  ScsiAddress hctl;
  TargetIdentity target;
};

// What identification adds: the WWN forms a rule can name.
struct LunIdentity {
  std::string wwn_with_extension;  // ID_WWN_WITH_EXTENSION ("0x..."), empty when none
  // "naa.<hex>" and "eui.<hex>" (lower case) of every NAA and EUI-64
  // designator with logical unit association in page 0x83.
  std::vector<std::string> designators;
};

// Builds the identity from the identification properties and page 0x83
// (nullptr when the device has none).
LunIdentity lun_identity(const Properties& id_properties, const DeviceIdPage* page83);

// --- Rules ---------------------------------------------------------------------

// A set of numbers: empty `ranges` is `*` (everything).
struct NumberSet {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // inclusive
  bool contains(uint64_t n) const;
  bool any() const { return ranges.empty(); }
};

enum class MatchKind { kHctl, kFc, kSas, kIscsi, kWwn };

struct Rule {
  MatchKind kind = MatchKind::kHctl;
  NumberSet host, channel, target;  // kHctl
  NumberSet luns;                   // kHctl and the transports
  uint64_t port = 0;                // kFc, kSas: the address as a number
  std::string name;                 // kIscsi: target name; kWwn: normalized form
  std::optional<bool> instantiate;  // instantiate / skip
  std::optional<bool> attach;       // attach / no-attach
  // handler=: nullopt is no say; `auto` is AttachRequest's nullopt, kept
  // here as `handler_auto`.
  std::optional<DeviceHandler> handler;
  bool handler_auto = false;
  // unreported=remove (true) / keep (false): what becomes of the LUN once
  // its target stops reporting it.
  std::optional<bool> remove_unreported;
  std::string source;  // file path or kCmdlineSource
  std::size_t line = 0;
  std::string text;  // the rule as written, comment and outer blanks removed

  bool says_handler() const { return handler.has_value() || handler_auto; }
  // "source:line", the rule's name in reasons and `explain`.
  std::string where() const;
};

struct PolicyError {
  std::string source;
  std::size_t line = 0;  // 0: the source as a whole
  std::string message;
  // "source:line: message" (or "source: message").
  std::string format() const;
};

struct PolicyFile {
  std::vector<Rule> rules;
  std::vector<PolicyError> errors;  // any error: the file is ignored whole
};

// Parses one file's text. `source` names it in rules and errors.
PolicyFile parse_policy(std::string_view source, std::string_view text);

// The rules of scsi_probe.policy= (also scsi-probe.policy=) on a kernel
// command line: rules separated by ';', every occurrence appended in order.
// Blanks inside a rule need the word quoted, as the kernel allows:
// "scsi_probe.policy=hctl 0:0:0:0-3 instantiate;hctl 0:0:1:* skip".
PolicyFile parse_cmdline_policy(std::string_view cmdline);

// Whether a directory entry is a policy file: "*.conf", not hidden.
bool is_policy_file_name(std::string_view file_name);

struct PolicySource {
  std::string path;  // e.g. /etc/scsi-probe.d/50-san.conf
  std::string text;
};

struct Policy {
  std::vector<Rule> rules;             // in force, lowest precedence first
  std::vector<std::string> sources;    // sources in force, in order
  std::vector<std::string> ignored;    // sources ignored whole for errors
  std::vector<PolicyError> errors;     // every error of the ignored sources
  bool empty() const { return rules.empty(); }
};

// The policy in force: the files in order of their file names (byte order
// of the last path component), then the kernel command line. A source with
// any error is left out whole and its errors reported.
Policy build_policy(std::vector<PolicySource> files, std::string_view cmdline);

// --- Decisions -----------------------------------------------------------------

// Before instantiation: write "C T L" to the host's `scan` or not.
struct InstantiateDecision {
  bool instantiate = true;
  // A WWN rule decides once the LUN is identified (decide_device then keeps
  // or removes it): the LUN is instantiated to learn its WWN.
  bool provisional = false;
  // Not instantiated only because a listing rule leaves it out (no rule
  // matching it says skip): a LUN 0 that exists stays.
  bool unlisted = false;
  std::string rule;    // "source:line" of the deciding rule; empty: no rule
  std::string reason;  // one line
};

InstantiateDecision decide_instantiate(const Policy& policy, const LunAddress& lun);

// After identification: keep or remove, attach or not, which handler.
struct DeviceVerdict {
  AttachRequest request;  // for decide_attach()
  std::string keep_rule, attach_rule, handler_rule;  // "source:line" or empty
};

// `instantiated_to_identify`: the scan run that created the LUN is deciding
// (a wwn rule made it instantiate the LUN to read its WWN): an unlisted LUN
// is then removed again. Any other unlisted LUN that exists is kept.
DeviceVerdict decide_device(const Policy& policy, const LunAddress& lun, const LunIdentity& identity,
                            bool instantiated_to_identify = false);

// A LUN its target no longer reports: remove it (after confirmation, and
// never while in use) or keep it as the kernel does. The last address rule
// with unreported= that matches decides; without one it is kept.
struct UnreportedDecision {
  bool remove = false;
  std::string rule;    // "source:line", empty for the default
  std::string reason;  // "unreported=keep (the default)"
};

UnreportedDecision decide_unreported(const Policy& policy, const LunAddress& lun);

// LUN 0 once the scan it carried is done: removed only when a rule skips it
// explicitly (a listing that leaves it out does not) and a scan run of
// scsi-probe created it (`created_by_scsi_probe`); one the kernel made by
// itself (libata, usb-storage, hot plug) or that was there before stays.
// The shell still checks that it is not in use.
struct LunZeroAfterScan {
  bool remove = false;
  std::string reason;
};

LunZeroAfterScan decide_lun0_after_scan(const Policy& policy, const LunAddress& lun0,
                                        bool created_by_scsi_probe);

// For `explain`: every rule matching the LUN ("source:line: text"), in
// order; WWN rules only when `identity` is given.
std::vector<std::string> matching_rules(const Policy& policy, const LunAddress& lun,
                                        const LunIdentity* identity);

}  // namespace scsi_probe
