#include "manual_check.h"

#include <algorithm>

#include "text.h"

namespace scsi_probe {

namespace {

void worsen(CheckVerdict& v, CheckVerdict by) {
  if (static_cast<int>(by) > static_cast<int>(v)) v = by;
}

}  // namespace

std::optional<std::string> iscsi_setting(std::string_view text, std::string_view key) {
  std::optional<std::string> value;
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos || trim(line.substr(0, eq)) != key) continue;
    value = std::string(trim(line.substr(eq + 1)));
  }
  return value;
}

bool initramfs_has_helper(std::string_view listing) {
  bool helper = false, rules = false;
  while (!listing.empty()) {
    auto nl = listing.find('\n');
    std::string_view line = trim(listing.substr(0, nl));
    listing = nl == std::string_view::npos ? std::string_view{} : listing.substr(nl + 1);
    if (line.ends_with("/scsi-probe")) helper = true;
    if (line.ends_with("/54-scsi-probe.rules")) rules = true;
  }
  return helper && rules;
}

CheckReport check_manual(const std::vector<CheckedHost>& hosts, bool kernel_reports_scans, bool iscsi_installed,
                         const std::vector<IscsiNode>& nodes,
                         const std::optional<std::string>& iscsid_default,
                         const InitramfsFacts& initramfs) {
  CheckReport r;
  for (const CheckedHost& h : hosts) {
    const auto losses = manual_losses(h.cls, h.proc_name, kernel_reports_scans);
    const bool boot_loss = std::any_of(losses.begin(), losses.end(), [](const ManualLoss& l) {
      return l.severity == LossSeverity::kBoot;
    });
    const HostStrategy s = host_strategy(h.cls, "", ScanTrigger::kTargetAdded, 0);
    r.lines.push_back(h.name + " (" + h.proc_name + ", " + std::string(host_class_name(h.cls)) +
                      "): " + (boot_loss ? "NOT scanned under manual" : "scanned under manual") +
                      ": " + s.reason);
    for (const ManualLoss& l : losses) {
      r.lines.push_back("  " + std::string(l.severity == LossSeverity::kBoot ? "loses: " : "limit: ") +
                        l.what);
      worsen(r.verdict, l.severity == LossSeverity::kBoot ? CheckVerdict::kNotSafe : CheckVerdict::kLimits);
    }
  }
  if (iscsi_installed) {
    const std::string fallback = iscsid_default.value_or("auto");
    for (const IscsiNode& n : nodes) {
      const std::string scan = n.session_scan.value_or(fallback);
      if (scan == "manual") continue;
      r.lines.push_back("iscsi node " + n.path + ": node.session.scan = " + scan +
                        ": iscsid scans the whole session itself after login (\"- - -\"), past "
                        "scsi-probe's LUN policy; set node.session.scan = manual");
      worsen(r.verdict, CheckVerdict::kLimits);
    }
  }
  if (initramfs.inspected && !initramfs.has_helper) {
    r.lines.push_back("initramfs " + initramfs.image +
                      ": no scsi-probe in it: with scsi_mod.scan=manual on the kernel command line "
                      "no SCSI disk appears before the root is mounted; rebuild it "
                      "(update-initramfs -u)");
    worsen(r.verdict, CheckVerdict::kNotSafe);
  }
  r.lines.push_back(r.verdict == CheckVerdict::kSafe    ? "scsi_mod.scan=manual: safe on this machine"
                    : r.verdict == CheckVerdict::kLimits ? "scsi_mod.scan=manual: safe, with the limits above"
                                                         : "scsi_mod.scan=manual: NOT safe on this machine");
  return r;
}

}  // namespace scsi_probe
