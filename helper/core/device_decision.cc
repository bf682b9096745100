#include "device_decision.h"

#include "identify.h"
#include "report_luns.h"
#include "text.h"
#include "vpd_device_id.h"

namespace scsi_probe {

AttachInput SysfsAttachFacts::input(std::span<const uint8_t> kernel_inquiry, BlistFlags quirk_flags,
                                    const AttachRequest& request) const {
  AttachInput ai;
  ai.inquiry = kernel_inquiry;
  if (type) ai.sysfs_type = static_cast<uint8_t>(*type);
  if (blacklist) ai.kernel_flags = parse_sysfs_blacklist(*blacklist).flags;
  ai.quirk_flags = quirk_flags;
  if (vpd_pg83) ai.kernel_vpd_pg83 = std::span<const uint8_t>(*vpd_pg83);
  if (dh_state) ai.dh_state = *dh_state;
  if (bound_driver) ai.bound_driver = *bound_driver;
  ai.request = request;
  return ai;
}

namespace {

// The policy's verdict and the attach decision, for a device with an address.
void decide_attach_of(const DeviceFacts& f, const Policy& policy, DeviceDecision& d) {
  d.lun = LunAddress{*f.address, f.target};
  // The policy matches WWNs in the kernel's own page 0x83 only.
  std::optional<DeviceIdPage> pg83;
  if (f.sysfs.vpd_pg83) pg83 = parse_device_id_page(*f.sysfs.vpd_pg83);
  d.identity = lun_identity(d.properties, pg83 ? &*pg83 : nullptr);
  // LUN 0 was instantiated to reach its target, whatever the policy: a
  // listing that leaves it out keeps it, attached.
  const bool to_identify = f.created_here && f.address->lun != 0;
  DeviceVerdict verdict = decide_device(policy, *d.lun, d.identity, to_identify);
  const BlistFlags quirk_flags = f.quirks ? f.quirks->flags : 0;
  d.attach = decide_attach(f.sysfs.input(f.kernel_inquiry, quirk_flags, verdict.request));
  if (!d.attach) return;
  // Decisions are carried out on add and change (a policy edit applied by
  // `udevadm trigger`), not on the bind and unbind events they cause.
  d.acts = f.action == "add" || f.action == "change";
  // LUN 0 and the well-known LUN carry the target's REPORT LUNS: the target
  // scan removes them after use.
  const bool removes = d.attach->bind == BindAction::kRemove && f.address->lun != 0 &&
                       f.address->lun != kReportLunsWellKnownLun;
  const bool away = d.acts ? removes || d.attach->bind == BindAction::kUnbind
                           : f.explain && takes_device_away(*d.attach);
  if (!away) return;
  if (!f.use) {
    d.needs_use = true;
  } else if (d.acts && f.use->in_use) {
    // Nothing ever deletes or unbinds a device in use.
    d.attach = spare_device_in_use(std::move(*d.attach), f.sysfs.bound_driver, f.use->reason);
    d.warnings.push_back(d.attach->kept);
  }
}

}  // namespace

DeviceDecision decide_device_run(const DeviceFacts& f, const Policy& policy) {
  DeviceDecision d;
  d.warnings = f.warnings;
  if (f.data.inquiry.empty()) {
    d.no_data = true;
    return d;
  }
  Identity id = f.known ? Identity{*f.known, {}, {}} : identify_device(f.data);
  d.properties = std::move(id.properties);
  for (auto& w : id.warnings) d.warnings.push_back(std::move(w));
  d.inquiry = parse_standard_inquiry(f.data.inquiry);
  if (f.quirks) {
    set_property(d.properties, "SCSI_PROBE_QUIRKS", format_blist_flags(f.quirks->flags));
    set_property(d.properties, "SCSI_PROBE_QUIRKS_SOURCE", quirk_source_name(f.quirks->source));
    for (const auto& n : f.quirks->notes) d.warnings.push_back(n);
  }
  if (f.address) decide_attach_of(f, policy, d);
  return d;
}

namespace {

// ", attach sd (bind in 12 ms), handler none: REASON", with how it went.
std::string attach_summary(const AttachDecision& a, const AttachApplied& applied, bool attached) {
  std::string acted = applied.carried_out ? " in " + std::to_string(applied.ms) + " ms" : ", not acted on";
  if (!attached) acted += ", FAILED: the kernel's driver matching follows";
  return ", attach " + std::string(upper_driver_name(a.driver)) + " (" + std::string(bind_action_name(a.bind)) +
         acted + "), handler " + std::string(device_handler_name(a.handler.handler)) + ": " + a.reason;
}

}  // namespace

DeviceRunReport report_device_run(const DeviceFacts& f, const DeviceDecision& d, const AttachApplied& applied,
                                  long long identify_ms) {
  DeviceRunReport r;
  if (d.no_data) {
    r.no_data = true;
    r.log = "no INQUIRY data (kernel attribute missing";
    for (const auto& w : d.warnings) r.log += "; " + w;
    r.log += ")";
    return r;
  }
  Properties props = d.properties;
  std::vector<std::string> warnings = d.warnings;
  std::string attach_line;
  if (d.attach) {
    // SCSI_PROBE_ATTACH only when the decided driver is bound: else the
    // rules run the kernel's driver matching.
    AttachOutcome outcome = attach_outcome(*d.attach, applied.effects);
    r.attached = outcome.attached;
    for (auto& p : outcome.properties) set_property(props, p.key, p.value);
    for (const auto& p : applied.problems) warnings.push_back(p);
    attach_line = attach_summary(*d.attach, applied, outcome.attached);
  }
  set_property(props, "SCSI_PROBE_COMMANDS", std::to_string(f.commands));
  const std::string warning_text = join(warnings);
  if (!warning_text.empty()) set_property(props, "SCSI_PROBE_WARNING", warning_text);
  const std::string* serial = find_property(props, "ID_SERIAL");
  r.log = (serial ? *serial : "(no ID_SERIAL)") + ", " + std::to_string(f.commands) + " SCSI command(s), " +
          std::to_string(identify_ms) + " ms, INQUIRY: " + std::string(inquiry_source_text(f.inquiry_source)) +
          ", VPD: " + f.vpd_plan + attach_line;
  if (!warning_text.empty()) r.log += "; " + warning_text;
  if (f.known) {
    // The identification stays as the database has it (the rules import it).
    Properties decision;
    for (auto& p : props)
      if (p.key.starts_with("SCSI_PROBE_")) decision.push_back(p);
    props = std::move(decision);
  }
  r.properties = format_udev_properties(props);
  return r;
}

namespace {

std::string record_value(const ExplainFacts& m, std::string_view key) {
  const std::string* v = find_property(m.record, key);
  return v ? *v : "";
}

std::string or_none(const std::string& s, const char* none = "(none)") { return s.empty() ? none : s; }

void explain_found_and_identified(const DeviceFacts& f, const ExplainFacts& m, Explanation& e) {
  ExplanationStep* st = &e.step("found");
  st->lines.push_back("scsi_mod.scan=" + m.scan_mode);
  st->lines.push_back(m.target_scan.empty() ? "its target has no scsi-probe record: the kernel scanned it"
                              : "target scan: " + m.target_scan);
  st = &e.step("identified");
  st->lines.push_back("ID_SERIAL=" + or_none(record_value(m, "ID_SERIAL")) +
        ", ID_WWN_WITH_EXTENSION=" + or_none(record_value(m, "ID_WWN_WITH_EXTENSION")));
  st->lines.push_back("SCSI commands sent: " + or_none(record_value(m, "SCSI_PROBE_COMMANDS"), "(no scsi-probe record)"));
  st->lines.push_back(f.inquiry_source == InquirySource::kKernelRawCopy
                          ? "INQUIRY data: the kernel's unsanitized copy (inquiry_raw): identification sends no INQUIRY"
                          : "INQUIRY data: the kernel's copy is sanitized and this kernel keeps no inquiry_raw: "
                            "identification sends one INQUIRY");
  if (record_value(m, "SCSI_PROBE_ID_LEFT_TO_SCSI_ID") == "1")
    st->lines.push_back("VPD-derived keys left to scsi_id: the kernel read no VPD page from this device");
  if (!record_value(m, "SCSI_PROBE_WARNING").empty()) st->lines.push_back("warning: " + record_value(m, "SCSI_PROBE_WARNING"));
}

void explain_quirks(const DeviceFacts& f, const ExplainFacts& m, const StandardInquiry& inq, Explanation& e) {
  ExplanationStep* st = &e.step("quirks");
  st->lines.push_back("hwdb key: " + quirk_hwdb_key(inq.vendor, inq.model, inq.revision));
  if (m.hwdb.empty()) st->lines.push_back("no hwdb record matches");
  for (const auto& p : m.hwdb) st->lines.push_back("hwdb: " + p.key + "=" + p.value);
  st->lines.push_back("kernel applied at creation (sysfs blacklist): " + or_none(f.sysfs.blacklist.value_or("")));
  const QuirkDecision q = f.quirks.value_or(QuirkDecision{});
  st->lines.push_back("in force: " + (q.flags ? format_blist_flags(q.flags) : std::string("(none)")) + " (from " +
        std::string(quirk_source_name(q.source)) + ")");
  for (const auto& n : q.notes) st->lines.push_back("note: " + n);
}

void explain_policy(const DeviceDecision& d, const Policy& policy, Explanation& e) {
  ExplanationStep* st = &e.step("policy");
  if (policy.sources.empty() && policy.ignored.empty()) st->lines.push_back("no policy: the kernel's default for every LUN");
  for (const auto& s : policy.sources) st->lines.push_back("in force: " + s);
  for (const auto& s : policy.ignored) st->lines.push_back("ignored as a whole for errors: " + s);
  for (const auto& err : policy.errors) st->lines.push_back("error: " + err.format());
  for (const auto& r : matching_rules(policy, *d.lun, &d.identity)) st->lines.push_back("matches: " + r);
  InstantiateDecision inst = decide_instantiate(policy, *d.lun);
  st->lines.push_back(std::string("instantiate: ") + (inst.instantiate ? "yes" : "no") + " (" + inst.reason + ")");
  e.instantiate = ExplainedInstantiate{inst.instantiate, inst.provisional, inst.rule, inst.reason};
}

void explain_attach(const DeviceFacts& f, const ExplainFacts& m, const DeviceDecision& d, const Policy& policy,
                    Explanation& e) {
  ExplanationStep* st = &e.step("attach");
  if (const auto& a = d.attach) {
    e.attach = ExplainedAttach{std::string(upper_driver_name(a->driver)), std::string(bind_action_name(a->bind)),
                               std::string(device_handler_name(a->handler.handler)), a->reason};
    st->lines.push_back("kernel default: " + std::string(upper_driver_name(a->kernel.driver)) + " (" + a->kernel.reason + ")");
    st->lines.push_back("decision: " + std::string(upper_driver_name(a->driver)) + ", " + std::string(bind_action_name(a->bind)) +
          " (" + a->reason + ")");
    st->lines.push_back("handler: " + std::string(device_handler_name(a->handler.handler)) + " (" + a->handler.reason + ")");
    // The helper never deletes or unbinds a device in use.
    if (takes_device_away(*a))
      st->lines.push_back(std::string(bind_action_name(a->bind)) + " only if not in use: now " +
            (f.use ? f.use->reason : std::string("unknown")));
  }
  if (!record_value(m, "SCSI_PROBE_KEPT").empty())
    st->lines.push_back("held back by the last run: " + record_value(m, "SCSI_PROBE_KEPT"));
  st->lines.push_back("when its target stops reporting it: " + decide_unreported(policy, *d.lun).reason +
        " (removed only if confirmed gone twice and not in use)");
  st->lines.push_back("bound now: " + f.sysfs.bound_driver.value_or("none"));
}

}  // namespace

Explanation explain_device(const DeviceFacts& f, const ExplainFacts& m, const DeviceDecision& d,
                           const Policy& policy) {
  Explanation e;
  e.object = f.name;
  e.present = true;
  e.summary = f.name + ": " + m.vendor + " " + m.model + " (type " + m.type + ")";
  explain_found_and_identified(f, m, e);
  if (d.inquiry) explain_quirks(f, m, *d.inquiry, e);
  if (d.lun) {
    explain_policy(d, policy, e);
    explain_attach(f, m, d, policy, e);
  }
  return e;
}

}  // namespace scsi_probe
