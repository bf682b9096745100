// What attaches to a scsi_device: the upper-level driver Linux 6.1 would
// bind (scsi_sysfs.c scsi_bus_match and each driver's probe), the device
// handler it would attach (scsi_dh.c and the handlers' own checks), and the
// final decision once quirks and the administrator's policy have their say.
// Pure: the shell passes what sysfs shows and does the binding.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "blist_flags.h"
#include "properties.h"

namespace scsi_probe {

// --- Upper-level drivers ------------------------------------------------------

enum class UpperDriver { kNone, kSd, kSr, kSt, kCh, kSes };

// The driver's name under /sys/bus/scsi/drivers ("sd", ...); "none" for kNone.
std::string_view upper_driver_name(UpperDriver d);
// The module that provides it ("sd_mod", "sr_mod", "st", "ch", "ses"); empty
// for kNone.
std::string_view upper_driver_module(UpperDriver d);
std::optional<UpperDriver> upper_driver_by_name(std::string_view name);

// The driver whose probe takes a peripheral device type, as Debian builds
// 6.1 (sd takes ZBC: CONFIG_BLK_DEV_ZONED=y).
UpperDriver driver_for_type(uint8_t type);

// The type as a scsi_device's MODALIAS ends ("scsi:t-0x0d": scsi_sysfs.c
// prints "%02x"): two lowercase hex digits.
std::string modalias_type(uint8_t type);


// A peripheral device type for reasons: "0x05 (CD/DVD)".
std::string describe_device_type(uint8_t type);

struct UldInput {
  uint8_t type = 0x1f;        // sysfs `type`: after the kernel's ISROM change
  uint8_t qualifier = 0;      // peripheral qualifier of the kernel's INQUIRY
  std::string vendor, model;  // raw INQUIRY fields (st's reject list)
  BlistFlags kernel_flags = 0;  // sysfs `blacklist`
};

struct UldDecision {
  UpperDriver driver = UpperDriver::kNone;  // what the kernel would bind
  UpperDriver type_driver = UpperDriver::kNone;  // the driver of the type alone
  // scsi_bus_match refuses every driver (NO_ULD_ATTACH or qualifier != 0):
  // a bind write gives ENODEV.
  bool kernel_refuses_bind = false;
  std::string reason;
};

UldDecision default_upper_driver(const UldInput& in);

// Why a write to /sys/bus/scsi/drivers/<drv>/bind failed, from its errno.
std::string bind_failure_reason(int error_number);

// --- Device handlers -----------------------------------------------------------

enum class DeviceHandler { kNone, kAlua, kEmc, kHpSw, kRdac };

// "alua", "emc", "hp_sw", "rdac" (what dh_state shows and takes); "none".
std::string_view device_handler_name(DeviceHandler h);
// "scsi_dh_alua", ...; empty for kNone.
std::string_view device_handler_module(DeviceHandler h);
std::optional<DeviceHandler> device_handler_by_name(std::string_view name);

// One entry of scsi_dh.c's scsi_dh_blist: vendor and model both match by
// prefix of the kernel's (sanitized) INQUIRY fields.
struct DhTableEntry {
  std::string_view vendor;
  std::string_view model;
  DeviceHandler handler;
};
std::span<const DhTableEntry> kernel_dh_table();

// scsi_dh_find_driver: alua for TPGS != 0, else the table, else none.
DeviceHandler kernel_handler_choice(uint8_t tpgs, std::string_view vendor, std::string_view model);

// What scsi_vpd_tpg_id finds in the kernel's cached page 0x83: it walks the
// descriptors by designator type alone (4: relative target port, 5: target
// port group; association not checked), the last of each type wins.
struct TpgInfo {
  bool page_present = false;
  std::optional<uint16_t> target_port_group;
  std::optional<uint16_t> relative_port;
};
TpgInfo kernel_tpg_info(std::optional<std::span<const uint8_t>> kernel_vpd_pg83);

// Whether scsi_dh_alua attaches (alua_initialize): type 0x00 only (6.1's
// alua_check_tpgs), TPGS != 0, and a target port group designator in the
// page the kernel cached (else "No target port descriptors found"). nullopt:
// it attaches; else why not.
std::optional<std::string> alua_refusal(uint8_t type, uint8_t tpgs, const TpgInfo& tpg);

// dh_state as sysfs shows it: "detached" (none) or a handler name.
// nullopt for text that is neither.
std::optional<DeviceHandler> parse_dh_state(std::string_view text);

// --- The final decision --------------------------------------------------------

// What the policy asks for one device (lun_policy's decide_device fills it).
struct AttachRequest {
  bool keep = true;    // false: the policy skips this LUN: remove it
  bool attach = true;  // false: no-attach
  // nullopt: the kernel's choice; kNone: no handler; else that handler.
  std::optional<DeviceHandler> handler;
  // "rule FILE:LINE" for each aspect a rule decided; empty: the default.
  std::string keep_why, attach_why, handler_why;
};

struct AttachInput {
  std::span<const uint8_t> inquiry;    // sysfs `inquiry` (the kernel's copy)
  std::optional<uint8_t> sysfs_type;   // sysfs `type`; nullopt: INQUIRY's type
  BlistFlags kernel_flags = 0;         // sysfs `blacklist`
  BlistFlags quirk_flags = 0;          // QuirkDecision::flags (hwdb, dev_flags, ...)
  // sysfs `vpd_pg83`, the kernel's own copy (alua reads only that one; not
  // a page the helper fetched over SG_IO); nullopt when absent.
  std::optional<std::span<const uint8_t>> kernel_vpd_pg83;
  // sysfs `dh_state`; nullopt when the attribute is absent (no SCSI_DH).
  std::optional<std::string_view> dh_state;
  // The bound driver (last component of the `driver` link); nullopt: none.
  std::optional<std::string_view> bound_driver;
  AttachRequest request;
};

enum class BindAction {
  kNone,          // nothing to bind and nothing bound
  kBind,          // load `module`, then write H:C:T:L to drivers/<driver>/bind
  kAlreadyBound,  // bound to `driver` already (the kernel's autoprobe did it)
  kUnbind,        // bound, but withheld: write H:C:T:L to drivers/<bound>/unbind
  kRemove,        // policy skips the LUN: write 1 to the device's `delete`
};
std::string_view bind_action_name(BindAction a);

enum class HandlerAction {
  kNone,             // no handler wanted, none attached
  kAttach,           // load `module`, then write the name (no newline) to dh_state
  kAlreadyAttached,  // the kernel attached it at add (its module was loaded)
  kCannotChange,     // another handler is attached: handlers cannot be detached
  kUnavailable,      // no dh_state attribute: kernel built without SCSI_DH
};

struct HandlerDecision {
  DeviceHandler kernel_choice = DeviceHandler::kNone;  // scsi_dh_find_driver
  DeviceHandler handler = DeviceHandler::kNone;        // wanted and accepted
  DeviceHandler attached = DeviceHandler::kNone;       // per dh_state
  HandlerAction action = HandlerAction::kNone;
  // The handler's module, for kAttach and kAlreadyAttached: load it
  // (libkmod) before the dh_state write. Loaded before the target's other
  // LUNs are instantiated, it lets the kernel attach it to each at add, as
  // with its own scan when the module is loaded.
  std::string_view module;
  std::string reason;
};

struct AttachDecision {
  UldDecision kernel;                       // the kernel's default
  UpperDriver driver = UpperDriver::kNone;  // to be bound in the end
  BindAction bind = BindAction::kNone;
  std::string_view module;  // load before kBind
  std::string unbind_from;  // kUnbind: the driver to unbind from
  HandlerDecision handler;
  std::string reason;  // one line, for SCSI_PROBE_REASON and the log
  // Why a removal or an unbind was not carried out ("in use: ..."), for
  // SCSI_PROBE_KEPT; empty when none was held back.
  std::string kept;
};

// nullopt when `inquiry` lacks even byte 0.
std::optional<AttachDecision> decide_attach(const AttachInput& in);

// Whether carrying out `d` would delete or unbind the device.
bool takes_device_away(const AttachDecision& d);

// A decision to delete or unbind a device that is in use (device_use.h's
// reason in `use`): the device is left as it is, with the driver that is
// bound (nullopt: none), and the decision says why.
AttachDecision spare_device_in_use(AttachDecision d, std::optional<std::string_view> bound_driver,
                                   const std::string& use);

// SCSI_PROBE_ATTACH (driver or "none"), SCSI_PROBE_HANDLER (handler or
// "none"), SCSI_PROBE_REASON, SCSI_PROBE_REMOVE=1 for kRemove, and
// SCSI_PROBE_KEPT when a removal or unbind was held back.
Properties attach_properties(const AttachDecision& d);

}  // namespace scsi_probe
