#include "absent_lun.h"

#include "quirks.h"
#include "text.h"

namespace scsi_probe {

namespace {

std::string record(const Properties& p, std::string_view key) {
  const std::string* v = find_property(p, key);
  return v ? *v : "";
}

// The quirk flags that change which LUNs a target scan looks at.
constexpr BlistFlags kLunScanFlags = kBlistNolun | kBlistForcelun | kBlistSparselun | kBlistMax5lun |
                                     kBlistLargelun | kBlistReportlun2 | kBlistNoreportlun;

// Why LUN 0's quirks rule the address out, or empty.
std::string quirks_rule_out(BlistFlags flags, uint64_t lun) {
  if ((flags & kBlistNolun) && lun != 0) return "LUN 0's quirks say NOLUN: no LUN but 0 is scanned";
  if ((flags & kBlistMax5lun) && lun >= 5) return "LUN 0's quirks say MAX5LUN: no LUN above 4 is scanned";
  return "";
}

std::string luns_text(const std::vector<uint64_t>& luns) {
  std::vector<std::string> v;
  for (uint64_t l : luns) v.push_back(std::to_string(l));
  return v.empty() ? "none" : join(v, " ");
}

std::string scan_mode_line(const std::string& mode) {
  if (mode == "manual") return "scsi_mod.scan=manual: the kernel scans nothing by itself, scsi-probe's runs do";
  if (mode == "?") return "scsi_mod.scan: unknown";
  return concat({"scsi_mod.scan=", mode, ": the kernel scans each host as it registers"});
}

// The host and target steps: what the scans found at this address.
void explain_host_and_target(const AbsentLunFacts& f, Explanation& e, std::string& why) {
  const ScsiAddress& a = f.address;
  const std::string host_name = concat({"host", std::to_string(a.host)});
  const std::string target_name = concat({"target", format_scsi_target(target_of(a))});
  ExplanationStep& found = e.step("found");
  found.lines.push_back(scan_mode_line(f.scan_mode));
  if (!f.host_exists) {
    found.lines.push_back(concat({"no ", host_name}));
    why = concat({"there is no ", host_name});
  } else {
    const std::string cls = record(f.host_record, "SCSI_PROBE_HOST_CLASS");
    found.lines.push_back(concat({host_name, ": ", f.proc_name.empty() ? "?" : f.proc_name, ", class ",
                                  cls.empty() ? "unknown (no scsi-probe record)" : cls}));
    const std::string walk = record(f.host_record, "SCSI_PROBE_REASON");
    found.lines.push_back(walk.empty() ? "the host has no scsi-probe record: no host run walked it"
                                       : concat({"host walk: ", walk}));
    if (std::string n = record(f.host_record, "SCSI_PROBE_TARGETS_FOUND"); !n.empty())
      found.lines.push_back(concat({"targets found by the last walk: ", n}));

    ExplanationStep& tgt = e.step("target");
    if (!f.target_exists) {
      tgt.lines.push_back(concat({"no ", target_name, ": no scan found a target at this ID"}));
      why = concat({"there is no ", target_name, ": no scan of ", host_name, " found one"});
    } else {
      tgt.lines.push_back(f.target.address.empty()
                              ? concat({target_name, ", no transport port identity"})
                              : concat({target_name, ", ", transport_keyword(f.target.transport), " ",
                                        trim(f.target.address)}));
      tgt.lines.push_back(concat({"LUNs there: ", luns_text(f.target_luns)}));
      const std::string scan = record(f.target_record, "SCSI_PROBE_REASON");
      if (scan.empty()) {
        tgt.lines.push_back("its target has no scsi-probe record: the kernel scanned it");
      } else {
        tgt.lines.push_back(concat({"last target scan: ", scan}));
        for (std::string_view key : {"SCSI_PROBE_LUNS_ADDED", "SCSI_PROBE_LUNS_REMOVED", "SCSI_PROBE_KERNEL_SCAN",
                                     "SCSI_PROBE_WARNING"})
          if (std::string v = record(f.target_record, key); !v.empty()) tgt.lines.push_back(concat({key, "=", v}));
      }
    }
  }
}

// The quirks of the target's LUN 0 that rule this LUN out of a scan.
void explain_quirks(const AbsentLunFacts& f, Explanation& e, std::string& why) {
  const ScsiAddress& a = f.address;
  if (f.target_exists) {
    ExplanationStep& q = e.step("quirks");
    if (!f.lun0_quirks) {
      q.lines.push_back("the target has no LUN 0 device: no quirks known for it");
    } else {
      BlistFlags flags = 0;
      for (std::string_view w : split_words(*f.lun0_quirks))
        if (auto bit = blist_flag_by_name(w)) flags |= *bit;
      q.lines.push_back(concat({"LUN 0's quirks in force: ", f.lun0_quirks->empty() ? "(none)" : *f.lun0_quirks}));
      for (BlistFlags bit = 1; bit; bit <<= 1)
        if (flags & bit & kLunScanFlags)
          if (const BlistFlagInfo* info = blist_flag_info(bit)) q.lines.push_back(concat({info->name, ": ", info->meaning}));
      if (std::string out = quirks_rule_out(flags, a.lun); !out.empty()) {
        q.lines.push_back(out);
        if (why.empty()) why = out;
      }
    }
  }
}

// The policy's say: a "no" rules the LUN out before any scan writes it.
void explain_policy(const AbsentLunFacts& f, const Policy& policy, Explanation& e, std::string& why) {
  const ScsiAddress& a = f.address;
  ExplanationStep& pol = e.step("policy");
  if (policy.sources.empty() && policy.ignored.empty())
    pol.lines.push_back("no policy: the kernel's default for every LUN");
  for (const auto& s : policy.sources) pol.lines.push_back(concat({"in force: ", s}));
  for (const auto& s : policy.ignored) pol.lines.push_back(concat({"ignored as a whole for errors: ", s}));
  const LunAddress lun{a, f.target};
  for (const auto& r : matching_rules(policy, lun, nullptr)) pol.lines.push_back(concat({"matches: ", r}));
  const InstantiateDecision inst = decide_instantiate(policy, lun);
  e.instantiate = ExplainedInstantiate{inst.instantiate, inst.provisional, inst.rule, inst.reason};
  pol.lines.push_back(concat({"instantiate: ", inst.instantiate ? "yes" : "no",
                              inst.provisional ? ", to read its WWN" : "", " (", inst.reason, ")"}));
  // The policy is asked before a scan writes the address: a "no" rules the
  // LUN out even where its target exists and reports it.
  if (!inst.instantiate && (why.empty() || f.target_exists))
    why = concat({"the policy does not instantiate it: ", inst.reason});
}

}  // namespace

Explanation explain_absent_lun(const AbsentLunFacts& f, const Policy& policy) {
  Explanation e;
  e.object = format_scsi_address(f.address);
  e.present = false;
  std::string why;  // the first reason found, in the order a scan meets them
  explain_host_and_target(f, e, why);
  explain_quirks(f, e, why);
  explain_policy(f, policy, e, why);
  if (why.empty())
    why = record(f.target_record, "SCSI_PROBE_REASON").empty()
              ? concat({"the kernel's scan of its target did not find it (scsi_mod.scan=", f.scan_mode, ")"})
              : "its target's last scan did not add it (the target did not report it, or it did not answer)";
  e.summary = concat({e.object, ": no such device: ", why});
  return e;
}

}  // namespace scsi_probe
