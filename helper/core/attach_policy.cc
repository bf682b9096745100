#include "attach_policy.h"

#include <scsi/sg_lib.h>

#include <array>
#include <cerrno>
#include <cstdio>

#include "inquiry.h"
#include "text.h"
#include "quirks.h"
#include "vpd_device_id.h"

namespace scsi_probe {

namespace {

struct DriverInfo {
  UpperDriver driver;
  std::string_view name;
  std::string_view module;
};

constexpr std::array<DriverInfo, 5> kDrivers = {{
    {UpperDriver::kSd, "sd", "sd_mod"},
    {UpperDriver::kSr, "sr", "sr_mod"},
    {UpperDriver::kSt, "st", "st"},
    {UpperDriver::kCh, "ch", "ch"},
    {UpperDriver::kSes, "ses", "ses"},
}};

struct HandlerInfo {
  DeviceHandler handler;
  std::string_view name;
  std::string_view module;
};

constexpr std::array<HandlerInfo, 4> kHandlers = {{
    {DeviceHandler::kAlua, "alua", "scsi_dh_alua"},
    {DeviceHandler::kEmc, "emc", "scsi_dh_emc"},
    {DeviceHandler::kHpSw, "hp_sw", "scsi_dh_hp_sw"},
    {DeviceHandler::kRdac, "rdac", "scsi_dh_rdac"},
}};

// drivers/scsi/scsi_dh.c scsi_dh_blist, Linux 6.1 (unchanged since 5.8).
constexpr DhTableEntry kDhTable[] = {
    {"DGC", "RAID", DeviceHandler::kEmc},
    {"DGC", "DISK", DeviceHandler::kEmc},
    {"DGC", "VRAID", DeviceHandler::kEmc},
    {"COMPAQ", "MSA1000 VOLUME", DeviceHandler::kHpSw},
    {"COMPAQ", "HSV110", DeviceHandler::kHpSw},
    {"HP", "HSV100", DeviceHandler::kHpSw},
    {"DEC", "HSG80", DeviceHandler::kHpSw},
    {"IBM", "1722", DeviceHandler::kRdac},
    {"IBM", "1724", DeviceHandler::kRdac},
    {"IBM", "1726", DeviceHandler::kRdac},
    {"IBM", "1742", DeviceHandler::kRdac},
    {"IBM", "1745", DeviceHandler::kRdac},
    {"IBM", "1746", DeviceHandler::kRdac},
    {"IBM", "1813", DeviceHandler::kRdac},
    {"IBM", "1814", DeviceHandler::kRdac},
    {"IBM", "1815", DeviceHandler::kRdac},
    {"IBM", "1818", DeviceHandler::kRdac},
    {"IBM", "3526", DeviceHandler::kRdac},
    {"IBM", "3542", DeviceHandler::kRdac},
    {"IBM", "3552", DeviceHandler::kRdac},
    {"SGI", "TP9300", DeviceHandler::kRdac},
    {"SGI", "TP9400", DeviceHandler::kRdac},
    {"SGI", "TP9500", DeviceHandler::kRdac},
    {"SGI", "TP9700", DeviceHandler::kRdac},
    {"SGI", "IS", DeviceHandler::kRdac},
    {"STK", "OPENstorage", DeviceHandler::kRdac},
    {"STK", "FLEXLINE 380", DeviceHandler::kRdac},
    {"STK", "BladeCtlr", DeviceHandler::kRdac},
    {"SUN", "CSM", DeviceHandler::kRdac},
    {"SUN", "LCSM100", DeviceHandler::kRdac},
    {"SUN", "STK6580_6780", DeviceHandler::kRdac},
    {"SUN", "SUN_6180", DeviceHandler::kRdac},
    {"SUN", "ArrayStorage", DeviceHandler::kRdac},
    {"DELL", "MD3", DeviceHandler::kRdac},
    {"NETAPP", "INF-01-00", DeviceHandler::kRdac},
    {"LSI", "INF-01-00", DeviceHandler::kRdac},
    {"ENGENIO", "INF-01-00", DeviceHandler::kRdac},
    {"LENOVO", "DE_Series", DeviceHandler::kRdac},
    {"FUJITSU", "ETERNUS_AHB", DeviceHandler::kRdac},
};

// st.c's reject_list (SIGS_FROM_OSST): OnStream drives were osst's, a driver
// long gone; st still refuses them. Vendor and model by prefix, any revision.
constexpr std::string_view kStRejectVendor = "OnStream";
constexpr std::string_view kStRejectModels[] = {"SC-", "DI-", "DP-", "USB", "FW-"};

// The INQUIRY field as the kernel holds it (sdev->vendor, sdev->model).
std::string kernel_field(std::string_view raw, std::size_t width) {
  return kernel_sanitized_field(raw, width);
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool st_rejects(std::string_view vendor, std::string_view model) {
  std::string v = kernel_field(vendor, kInquiryVendorWidth);
  std::string m = kernel_field(model, kInquiryModelWidth);
  if (!starts_with(v, kStRejectVendor)) return false;
  for (auto prefix : kStRejectModels)
    if (starts_with(m, prefix)) return true;
  return false;
}

std::string join_why(std::string_view why) {
  return why.empty() ? std::string() : " (" + std::string(why) + ")";
}

}  // namespace

std::string_view upper_driver_name(UpperDriver d) {
  for (const auto& i : kDrivers)
    if (i.driver == d) return i.name;
  return "none";
}

std::string_view upper_driver_module(UpperDriver d) {
  for (const auto& i : kDrivers)
    if (i.driver == d) return i.module;
  return {};
}

std::optional<UpperDriver> upper_driver_by_name(std::string_view name) {
  if (name == "none") return UpperDriver::kNone;
  for (const auto& i : kDrivers)
    if (i.name == name) return i.driver;
  return std::nullopt;
}

UpperDriver driver_for_type(uint8_t type) {
  switch (type) {
    case 0x00:  // direct access
    case 0x07:  // optical memory
    case 0x0e:  // RBC
    case 0x14:  // host-managed zoned
      return UpperDriver::kSd;
    case 0x04:  // WORM
    case 0x05:  // CD/DVD
      return UpperDriver::kSr;
    case 0x01:
      return UpperDriver::kSt;
    case 0x08:
      return UpperDriver::kCh;
    case 0x0d:
      return UpperDriver::kSes;
    default:
      return UpperDriver::kNone;
  }
}

std::string modalias_type(uint8_t type) {
  constexpr char kHex[] = "0123456789abcdef";
  return {kHex[type >> 4], kHex[type & 0xf]};
}

std::string describe_device_type(uint8_t type) {
  char name[64];
  sg_get_pdt_str(type, sizeof name, name);
  char buf[96];
  std::snprintf(buf, sizeof buf, "0x%02x (%s)", static_cast<unsigned>(type), name);
  return buf;
}

UldDecision default_upper_driver(const UldInput& in) {
  UldDecision d;
  d.type_driver = driver_for_type(in.type);
  std::string type = "type " + describe_device_type(in.type);
  if (in.kernel_flags & kBlistNoUldAttach) {
    d.kernel_refuses_bind = true;
    d.reason = "the kernel applied NO_ULD_ATTACH: no upper-level driver can bind (sg only)";
    return d;
  }
  if (in.qualifier != 0) {
    d.kernel_refuses_bind = true;
    d.reason = "peripheral qualifier " + std::to_string(in.qualifier) +
               ": the kernel binds upper-level drivers only at qualifier 0 (sg only)";
    return d;
  }
  if (d.type_driver == UpperDriver::kNone) {
    d.reason = "no upper-level driver takes " + type + " (sg only)";
    return d;
  }
  if (d.type_driver == UpperDriver::kSt && st_rejects(in.vendor, in.model)) {
    d.reason = "st refuses OnStream drives (its reject list) (sg only)";
    return d;
  }
  d.driver = d.type_driver;
  d.reason = type + ", the kernel's default";
  if (in.kernel_flags & kBlistIsrom) d.reason += " (type set by the kernel's ISROM quirk)";
  return d;
}

std::string bind_failure_reason(int error_number) {
  switch (error_number) {
    case ENODEV:
      return "the kernel refused the match (NO_ULD_ATTACH, also set by some HBA drivers, "
             "or qualifier not 0) or the driver's probe refused the device";
    case EBUSY:
      return "a driver is bound already";
    case ENOENT:
      return "the driver is not registered (module not loaded)";
    case EAGAIN:
      return "the driver deferred its probe";
    default:
      return std::string("bind failed: errno ") + std::to_string(error_number);
  }
}

std::string_view device_handler_name(DeviceHandler h) {
  for (const auto& i : kHandlers)
    if (i.handler == h) return i.name;
  return "none";
}

std::string_view device_handler_module(DeviceHandler h) {
  for (const auto& i : kHandlers)
    if (i.handler == h) return i.module;
  return {};
}

std::optional<DeviceHandler> device_handler_by_name(std::string_view name) {
  if (name == "none") return DeviceHandler::kNone;
  for (const auto& i : kHandlers)
    if (i.name == name) return i.handler;
  return std::nullopt;
}

std::span<const DhTableEntry> kernel_dh_table() { return kDhTable; }

namespace {

// scsi_dh_find_driver's table look-up: the first entry matching by prefixes.
const DhTableEntry* dh_table_entry(std::string_view vendor, std::string_view model) {
  std::string v = kernel_field(vendor, kInquiryVendorWidth);
  std::string m = kernel_field(model, kInquiryModelWidth);
  for (const auto& e : kDhTable)
    if (starts_with(v, e.vendor) && starts_with(m, e.model)) return &e;
  return nullptr;
}

}  // namespace

DeviceHandler kernel_handler_choice(uint8_t tpgs, std::string_view vendor, std::string_view model) {
  if (tpgs != 0) return DeviceHandler::kAlua;
  const DhTableEntry* e = dh_table_entry(vendor, model);
  return e ? e->handler : DeviceHandler::kNone;
}

TpgInfo kernel_tpg_info(std::optional<std::span<const uint8_t>> page) {
  TpgInfo t;
  if (!page || page->empty()) return t;
  t.page_present = true;
  const auto& p = *page;
  // The kernel's walk reads the 16-bit value at descriptor bytes 6-7
  // whatever the designator length; stop where the bytes end.
  for (std::size_t off = 4; off + 3 < p.size(); off += std::size_t{p[off + 3]} + 4) {
    uint8_t type = p[off + 1] & 0x0f;
    if ((type == kDesigRelativeTargetPort || type == kDesigTargetPortGroup) && off + 7 < p.size()) {
      auto value = static_cast<uint16_t>((p[off + 6] << 8) | p[off + 7]);
      (type == kDesigTargetPortGroup ? t.target_port_group : t.relative_port) = value;
    }
  }
  return t;
}

std::optional<std::string> alua_refusal(uint8_t type, uint8_t tpgs, const TpgInfo& tpg) {
  if (type != 0x00)
    return "alua takes only type 0x00 disks ('disable for non-disk devices')";
  if (tpgs == 0) return "TPGS is 0: the device does not support ALUA";
  if (!tpg.page_present)
    return "the kernel holds no page 0x83 ('No target port descriptors found')";
  if (!tpg.target_port_group)
    return "page 0x83 has no target port group designator ('No target port descriptors found')";
  return std::nullopt;
}

std::optional<DeviceHandler> parse_dh_state(std::string_view text) {
  text = trim_end(text, "\n ");
  if (text == "detached") return DeviceHandler::kNone;
  auto h = device_handler_by_name(text);
  if (h && *h == DeviceHandler::kNone) return std::nullopt;  // sysfs never says "none"
  return h;
}

std::string_view bind_action_name(BindAction a) {
  switch (a) {
    case BindAction::kNone: return "none";
    case BindAction::kBind: return "bind";
    case BindAction::kAlreadyBound: return "already-bound";
    case BindAction::kUnbind: return "unbind";
    case BindAction::kRemove: return "remove";
  }
  return "none";
}

namespace {

std::string kernel_choice_reason(DeviceHandler choice, const StandardInquiry& inq) {
  if (choice == DeviceHandler::kAlua) return "TPGS " + std::to_string(inq.tpgs);
  const DhTableEntry* e = dh_table_entry(inq.vendor, inq.model);
  if (!e) return "TPGS 0 and not in the kernel's handler table";
  return "the kernel's handler table entry '" + std::string(e->vendor) + "' '" +
         std::string(e->model) + "'";
}

// The handler the device should get and why; `refusal` says why alua, when
// wanted, was refused (the handler is then none).
struct WantedHandler {
  DeviceHandler handler;
  std::string why;
  std::string refusal;
};

WantedHandler wanted_handler(const AttachInput& in, const StandardInquiry& inq, uint8_t type,
                             DeviceHandler kernel_choice) {
  WantedHandler w{in.request.handler.value_or(kernel_choice),
                  in.request.handler ? "asked by " + in.request.handler_why : kernel_choice_reason(kernel_choice, inq),
                  {}};
  if (w.handler != DeviceHandler::kAlua) return w;
  const TpgInfo tpg = kernel_tpg_info(in.kernel_vpd_pg83);
  if (auto r = alua_refusal(type, inq.tpgs, tpg)) {
    w.refusal = *r;
    w.handler = DeviceHandler::kNone;
    return w;
  }
  w.why += ", target port group " + hex_number(*tpg.target_port_group, 4);
  w.why += tpg.relative_port ? ", relative port " + std::to_string(*tpg.relative_port) : ", no relative port designator";
  return w;
}

// A handler attached at add stays: it cannot be detached.
void keep_attached_handler(const WantedHandler& w, HandlerDecision& h) {
  h.handler = h.attached;
  const std::string name(device_handler_name(h.attached));
  if (h.attached == w.handler) {
    h.action = HandlerAction::kAlreadyAttached;
    h.module = device_handler_module(w.handler);
    h.reason = name + ": " + w.why + "; attached at add";
    return;
  }
  h.action = HandlerAction::kCannotChange;
  h.reason = name + ": attached at add and cannot be detached; wanted " +
             std::string(device_handler_name(w.handler)) + " (" + w.why + ")";
  if (!w.refusal.empty()) h.reason += ", as alua refuses it: " + w.refusal;
}

HandlerDecision decide_handler(const AttachInput& in, const StandardInquiry& inq, uint8_t type) {
  HandlerDecision h;
  h.kernel_choice = kernel_handler_choice(inq.tpgs, inq.vendor, inq.model);
  const WantedHandler w = wanted_handler(in, inq, type, h.kernel_choice);
  if (!in.dh_state) {
    h.action = HandlerAction::kUnavailable;
    h.reason = "none: no dh_state attribute (the kernel has no device handler support)";
    return h;
  }
  auto attached = parse_dh_state(*in.dh_state);
  if (!attached) {
    h.action = HandlerAction::kUnavailable;
    // The first line only: the reason is one line of the log and of udev's import.
    std::string_view shown = in.dh_state->substr(0, in.dh_state->find('\n'));
    h.reason = "none: dh_state shows '" + std::string(trim_blanks(shown)) + "'";
    return h;
  }
  h.attached = *attached;
  if (h.attached != DeviceHandler::kNone) {
    keep_attached_handler(w, h);
    return h;
  }
  if (w.handler == DeviceHandler::kNone) {
    h.action = HandlerAction::kNone;
    h.reason = w.refusal.empty() ? "none: " + w.why : "none: alua (" + w.why + ") refuses it: " + w.refusal;
    return h;
  }
  h.handler = w.handler;
  h.action = HandlerAction::kAttach;
  h.module = device_handler_module(w.handler);
  h.reason = std::string(device_handler_name(w.handler)) + ": " + w.why + "; load " + std::string(h.module) +
             ", write dh_state";
  if (w.handler != DeviceHandler::kAlua) h.reason += " (the handler checks the device itself)";
  return h;
}

// The upper-level driver the device should get: the kernel's choice unless
// a quirk or the policy withholds it (`withheld` says which), with the
// reason text so far.
struct WantedDriver {
  UpperDriver driver;
  std::string withheld;
  std::string reason;
};

WantedDriver wanted_driver(const AttachInput& in, const UldDecision& kernel) {
  WantedDriver w{kernel.driver, {}, {}};
  if (w.driver != UpperDriver::kNone && (in.quirk_flags & kBlistNoUldAttach))
    w.withheld = "the NO_ULD_ATTACH quirk";
  else if (w.driver != UpperDriver::kNone && !in.request.attach)
    w.withheld = "no-attach" + join_why(in.request.attach_why);
  if (!w.withheld.empty()) {
    w.reason = "none: " + std::string(upper_driver_name(w.driver)) + " (" + kernel.reason + ") withheld by " +
               w.withheld;
    w.driver = UpperDriver::kNone;
  } else {
    w.reason = std::string(upper_driver_name(w.driver)) + ": " + kernel.reason;
  }
  if ((in.quirk_flags & kBlistIsrom) && !(in.kernel_flags & kBlistIsrom))
    w.reason += "; ISROM quirk not applied by the kernel (only scsi_mod.dev_flags can): type kept";
  return w;
}

// How the wanted driver meets the one bound already: a driver bound stays
// unless the decision withholds every driver.
void choose_bind(const AttachInput& in, WantedDriver& w, AttachDecision& d) {
  if (!in.bound_driver) {
    if (w.driver == UpperDriver::kNone) return;
    d.bind = BindAction::kBind;
    d.driver = w.driver;
    d.module = upper_driver_module(w.driver);
    return;
  }
  const std::string bound_name(*in.bound_driver);
  const std::optional<UpperDriver> bound = upper_driver_by_name(bound_name);
  if (w.driver != UpperDriver::kNone && bound == w.driver) {
    d.bind = BindAction::kAlreadyBound;
    d.driver = w.driver;
    w.reason += " (already bound)";
  } else if (w.driver == UpperDriver::kNone && !w.withheld.empty()) {
    d.bind = BindAction::kUnbind;
    d.unbind_from = bound_name;
    w.reason += "; unbind " + bound_name;
  } else {
    d.bind = BindAction::kAlreadyBound;
    d.driver = bound.value_or(UpperDriver::kNone);
    w.reason += "; " + bound_name + " is bound already: left as it is";
  }
}

}  // namespace

std::optional<AttachDecision> decide_attach(const AttachInput& in) {
  auto inq = parse_standard_inquiry(in.inquiry);
  if (!inq) return std::nullopt;
  AttachDecision d;
  uint8_t type = in.sysfs_type.value_or(inq->device_type);
  d.kernel = default_upper_driver({type, inq->qualifier, inq->vendor, inq->model, in.kernel_flags});
  if (!in.request.keep) {
    d.bind = BindAction::kRemove;
    d.reason = "remove: the policy skips this LUN" + join_why(in.request.keep_why);
    d.handler.reason = "none: removed";
    return d;
  }
  WantedDriver wanted = wanted_driver(in, d.kernel);
  choose_bind(in, wanted, d);
  d.handler = decide_handler(in, *inq, type);
  d.reason = wanted.reason + "; handler " + d.handler.reason;
  // A rule kept it, or a listing left it out although it exists.
  if (!in.request.keep_why.empty()) d.reason += "; kept: " + in.request.keep_why;
  return d;
}

bool takes_device_away(const AttachDecision& d) {
  return d.bind == BindAction::kRemove || d.bind == BindAction::kUnbind;
}

AttachDecision spare_device_in_use(AttachDecision d, std::optional<std::string_view> bound_driver,
                                   const std::string& use) {
  if (!takes_device_away(d)) return d;
  const std::string what = d.bind == BindAction::kRemove ? "not removed" : "not unbound";
  d.kept = what + ": " + use;
  d.reason = what + " (" + use + "), although " + d.reason;
  d.driver = bound_driver ? upper_driver_by_name(*bound_driver).value_or(UpperDriver::kNone) : UpperDriver::kNone;
  d.bind = bound_driver ? BindAction::kAlreadyBound : BindAction::kNone;
  d.unbind_from.clear();
  return d;
}

Properties attach_properties(const AttachDecision& d) {
  Properties p;
  set_property(p, "SCSI_PROBE_ATTACH", upper_driver_name(d.driver));
  set_property(p, "SCSI_PROBE_HANDLER", device_handler_name(d.handler.handler));
  set_property(p, "SCSI_PROBE_REASON", d.reason);
  if (d.bind == BindAction::kRemove) set_property(p, "SCSI_PROBE_REMOVE", "1");
  if (!d.kept.empty()) set_property(p, "SCSI_PROBE_KEPT", d.kept);
  return p;
}

}  // namespace scsi_probe
