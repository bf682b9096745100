#include "host_class.h"

#include <gtest/gtest.h>

#include <string>

#include "rules_file_text.h"

namespace scsi_probe {
namespace {

struct Facts {
  HostFacts f;
  Facts& proc(const char* v) { f.proc_name = v; return *this; }
  Facts& transport(const char* v) { f.transport = v; return *this; }
  Facts& subsystem(const char* v) { f.parent_subsystem = v; return *this; }
  Facts& devtype(const char* v) { f.parent_devtype = v; return *this; }
  Facts& driver(const char* v) { f.parent_driver = v; return *this; }
  Facts& protocol(unsigned v) { f.usb_interface_protocol = v; return *this; }
  Facts& rescan() { f.driver_rescan_attribute = true; return *this; }
  operator HostFacts() const { return f; }
};

// Facts as sysfs shows them in the guest (tests/vm scenarios ahci-atapi,
// usb-bot-luns, usb-uas) and on the hosts the 6.1 source describes.
HostFacts ahci_port() {
  return Facts().proc("ahci").subsystem("").devtype("ata_port");
}
HostFacts usb_bot() {
  return Facts().proc("usb-storage").subsystem("usb").devtype("usb_interface").driver("usb-storage").protocol(0x50);
}
HostFacts usb_uas() {
  return Facts().proc("uas").subsystem("usb").devtype("usb_interface").driver("uas").protocol(0x62);
}

TEST(HostClass, LibataByItsPortDevice) {
  EXPECT_EQ(classify_host(ahci_port()), HostClass::kLibata);
  // ata_piix, sata_nv, pata_*: the proc_name varies, the ataN parent does not.
  HostFacts piix = ahci_port();
  piix.proc_name = "ata_piix";
  EXPECT_EQ(classify_host(piix), HostClass::kLibata);
  // Without the port device it is not libata, whatever the name says.
  HostFacts named = Facts().proc("ahci").subsystem("pci");
  EXPECT_EQ(classify_host(named), HostClass::kParallel);
}

TEST(HostClass, UsbByInterfaceDriverAndProtocol) {
  EXPECT_EQ(classify_host(usb_bot()), HostClass::kUsbBot);
  EXPECT_EQ(classify_host(usb_uas()), HostClass::kUsbUas);
  // An interface whose driver link is not readable: the protocol decides.
  HostFacts uas = usb_uas();
  uas.parent_driver.clear();
  uas.proc_name.clear();
  EXPECT_EQ(classify_host(uas), HostClass::kUsbUas);
  // CB/CBI (protocol 0x00/0x01) is usb-storage too.
  HostFacts cbi = usb_bot();
  cbi.usb_interface_protocol = 0x01;
  EXPECT_EQ(classify_host(cbi), HostClass::kUsbBot);
}

TEST(HostClass, TransportsAndBuses) {
  EXPECT_EQ(classify_host(Facts().proc("(null)").transport("fc")), HostClass::kFc);
  EXPECT_EQ(classify_host(Facts().proc("mptsas").transport("sas")), HostClass::kSas);
  EXPECT_EQ(classify_host(Facts().proc("iscsi_tcp").transport("iscsi")), HostClass::kIscsi);
  EXPECT_EQ(classify_host(Facts().proc("ib_srp").transport("srp")), HostClass::kSrp);
  EXPECT_EQ(classify_host(Facts().proc("virtio_scsi").subsystem("virtio")),
            HostClass::kVirtioScsi);
  EXPECT_EQ(classify_host(Facts().proc("storvsc").subsystem("vmbus")),
            HostClass::kStorvsc);
  EXPECT_EQ(classify_host(Facts().proc("sym53c8xx").transport("spi").subsystem("pci")),
            HostClass::kParallel);
  EXPECT_EQ(classify_host(Facts().proc("scsi_debug").subsystem("pseudo")),
            HostClass::kParallel);
}

TEST(HostClass, ScanStartDriversOfLinux61) {
  for (const char* p : {"mpt3sas", "mpt2sas", "hpsa", "mpi3mr", "hisi_sas_v3_hw", "pm80xx",
                        "smartpqi", "isci", "aic94xx", "mvsas", "qla2xxx"})
    EXPECT_TRUE(driver_has_scan_start(p)) << p;
  for (const char* p : {"virtio_scsi", "ahci", "mptsas", "megaraid_sas", "sym53c8xx", ""})
    EXPECT_FALSE(driver_has_scan_start(p)) << p;
  // mpt3sas is a SAS host; scan_start decides first.
  EXPECT_EQ(classify_host(Facts().proc("mpt3sas").transport("sas")), HostClass::kScanStart);
  // Templates without a proc_name: sysfs says "(null)", the PCI driver names it.
  EXPECT_EQ(classify_host(Facts().proc("(null)").transport("fc").subsystem("pci").driver("qla2xxx")),
            HostClass::kScanStart);
  // hpsa and smartpqi have a host attribute `rescan` that runs scan_start().
  HostFacts hpsa = Facts().proc("hpsa").subsystem("pci").driver("hpsa").rescan();
  EXPECT_EQ(classify_host(hpsa), HostClass::kScanStartRescan);
  EXPECT_EQ(host_strategy(HostClass::kScanStartRescan, "sas", ScanTrigger::kTargetAdded, 1).action,
            HostAction::kDriverRescan);
  EXPECT_TRUE(manual_losses(HostClass::kScanStartRescan, "hpsa", false).empty());
}

TEST(HostStrategy, LibataNeverWritesScan) {
  for (auto t : {ScanTrigger::kTargetAdded, ScanTrigger::kRescan}) {
    HostStrategy s = host_strategy(HostClass::kLibata, "", t, 1);
    EXPECT_EQ(s.action, HostAction::kNoScanWrites);
    EXPECT_NE(s.reason.find("link reset"), std::string::npos);
    TargetRunDecision d = target_run(HostClass::kLibata, t);
    EXPECT_FALSE(d.helper_lun_scan);
    EXPECT_FALSE(d.kernel_target_scan);
  }
}

// The value of `key` in the rule that holds `anchor` (54-scsi-probe.rules),
// up to that rule's GOTO; empty when either is missing.
std::string rule_key(const std::string& rules, const std::string& anchor, const std::string& key) {
  const std::size_t rule = rules.find(anchor);
  const std::size_t end = rules.find("GOTO=", rule);
  const std::string token = "ENV{" + key + "}=\"";
  const std::size_t at = rules.find(token, rule);
  if (rule == std::string::npos || at == std::string::npos || at > end) return "";
  const std::size_t from = at + token.size();
  return rules.substr(from, rules.find('"', from) - from);
}

// `text` with every `from` replaced by `to`, as udev substitutes.
std::string substituted(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The rules answer an ATA port's host and target events without running the
// helper, with the keys its run would print: the same class and reasons.
TEST(HostStrategy, LibataRulesSayWhatTheRunWould) {
  const std::string rules = rules_file_text();
  ASSERT_FALSE(rules.empty()) << RULES_FILE;
  const std::string host = "TEST==\"../ata_port\"", target = "TEST==\"../../ata_port\"";
  EXPECT_EQ(rule_key(rules, host, "SCSI_PROBE_HOST_CLASS"), host_class_name(HostClass::kLibata));
  EXPECT_EQ(rule_key(rules, host, "SCSI_PROBE_HOST"), "$kernel");
  EXPECT_EQ(rule_key(rules, target, "SCSI_PROBE_TARGET"), "$kernel");
  for (auto t : {ScanTrigger::kTargetAdded, ScanTrigger::kRescan}) {
    EXPECT_EQ(rule_key(rules, host, "SCSI_PROBE_REASON"), host_strategy(HostClass::kLibata, "", t, 1).reason);
    EXPECT_EQ(rule_key(rules, target, "SCSI_PROBE_REASON"), target_run(HostClass::kLibata, t).reason);
  }
  // What the rule tests is what classify_host reads: the host's parent
  // holds the ata_port class device (read_host_facts).
  EXPECT_EQ(classify_host(ahci_port()), HostClass::kLibata);
}

// Under sync and async the rules answer host and target add events without
// running the helper, with the reason its run would print.
TEST(HostStrategy, KernelScanModeRulesSayWhatTheRunWould) {
  const std::string rules = rules_file_text();
  ASSERT_FALSE(rules.empty()) << RULES_FILE;
  const std::string mode_attr = "$attr{[module/scsi_mod]parameters/scan}";
  for (auto [devtype, key] : {std::pair{"scsi_host", "SCSI_PROBE_HOST"}, {"scsi_target", "SCSI_PROBE_TARGET"}}) {
    const std::string rule = std::string("ENV{DEVTYPE}==\"") + devtype +
                             "\", ACTION==\"add\", ATTR{[module/scsi_mod]parameters/scan}==\"sync|async\"";
    EXPECT_EQ(rule_key(rules, rule, key), "$kernel") << devtype;
    for (ScanMode mode : {ScanMode::kSync, ScanMode::kAsync}) {
      const Decision d = helper_scans(mode, ScanTrigger::kTargetAdded);
      EXPECT_FALSE(d.yes);
      EXPECT_EQ(substituted(rule_key(rules, rule, "SCSI_PROBE_REASON"), mode_attr, std::string(scan_mode_name(mode))),
                d.reason) << devtype;
    }
  }
}

TEST(HostStrategy, UsbStorageWaitsForGetMaxLunOnAdd) {
  HostStrategy add = host_strategy(HostClass::kUsbBot, "", ScanTrigger::kTargetAdded, 1);
  EXPECT_EQ(add.action, HostAction::kKernelHostScan);
  EXPECT_EQ(add.wait_seconds, 2u);
  EXPECT_GT(add.verify_after_seconds, 0u);
  EXPECT_EQ(host_strategy(HostClass::kUsbBot, "", ScanTrigger::kTargetAdded, 5).wait_seconds, 6u);
  // Bounded whatever delay_use says: the udev worker must live.
  EXPECT_EQ(host_strategy(HostClass::kUsbBot, "", ScanTrigger::kTargetAdded, 3600).wait_seconds,
            kMaxDriverWaitSeconds);
  // A rescan comes long after GET MAX LUN: no wait.
  HostStrategy re = host_strategy(HostClass::kUsbBot, "", ScanTrigger::kRescan, 5);
  EXPECT_EQ(re.action, HostAction::kKernelHostScan);
  EXPECT_EQ(re.wait_seconds, 0u);
  EXPECT_EQ(re.verify_after_seconds, 0u);
}

// A kernel that reports the scans manual suppresses (kernel/patches) sends
// usb-storage's deferred scan as a request: the add event waits for nothing.
TEST(HostStrategy, UsbBotOnAReportingKernelLeavesTheAddEventToTheRequest) {
  HostStrategy add = host_strategy(HostClass::kUsbBot, "", ScanTrigger::kTargetAdded, 5, true);
  EXPECT_EQ(add.action, HostAction::kNoScanWrites);
  EXPECT_EQ(add.wait_seconds, 0u);
  EXPECT_NE(add.reason.find("SCSI_SCAN_REQUEST"), std::string::npos);
  // The request itself, and any rescan, is the kernel's scan of the host.
  HostStrategy re = host_strategy(HostClass::kUsbBot, "", ScanTrigger::kRescan, 5, true);
  EXPECT_EQ(re.action, HostAction::kKernelHostScan);
  EXPECT_EQ(re.wait_seconds, 0u);
  EXPECT_EQ(host_strategy(HostClass::kUsbUas, "", ScanTrigger::kTargetAdded, 5, true).action,
            HostAction::kKernelHostScan);
}

TEST(HostStrategy, UasAndSrpGetTheKernelsHostScan) {
  for (auto c : {HostClass::kUsbUas, HostClass::kSrp}) {
    HostStrategy s = host_strategy(c, "", ScanTrigger::kTargetAdded, 1);
    EXPECT_EQ(s.action, HostAction::kKernelHostScan);
    EXPECT_EQ(s.wait_seconds, 0u);
    // The target events that scan raises run no LUN scan of the helper's
    // (it would send REPORT LUNS to a no_report_luns device); a change gets
    // the kernel's scan of the target.
    TargetRunDecision add = target_run(c, ScanTrigger::kTargetAdded);
    EXPECT_FALSE(add.helper_lun_scan);
    EXPECT_FALSE(add.kernel_target_scan);
    TargetRunDecision change = target_run(c, ScanTrigger::kRescan);
    EXPECT_FALSE(change.helper_lun_scan);
    EXPECT_TRUE(change.kernel_target_scan);
  }
}

TEST(HostStrategy, WalkAndTransportPorts) {
  for (auto c : {HostClass::kParallel, HostClass::kVirtioScsi, HostClass::kStorvsc}) {
    EXPECT_EQ(host_strategy(c, "", ScanTrigger::kTargetAdded, 1).action, HostAction::kWalk);
    EXPECT_TRUE(target_run(c, ScanTrigger::kTargetAdded).helper_lun_scan);
  }
  for (auto [c, t] : {std::pair{HostClass::kFc, "fc"}, {HostClass::kSas, "sas"},
                      {HostClass::kIscsi, "iscsi"}})
    EXPECT_EQ(host_strategy(c, t, ScanTrigger::kRescan, 1).action, HostAction::kTransportPorts);
  // A scan_start driver: what its transport allows, plus the warning.
  EXPECT_EQ(host_strategy(HostClass::kScanStart, "sas", ScanTrigger::kTargetAdded, 1).action,
            HostAction::kTransportPorts);
  EXPECT_EQ(host_strategy(HostClass::kScanStart, "", ScanTrigger::kTargetAdded, 1).action,
            HostAction::kWalk);
}

TEST(ManualLosses, PerClass) {
  auto boot = manual_losses(HostClass::kScanStart, "mpt3sas", false);
  ASSERT_EQ(boot.size(), 1u);
  EXPECT_EQ(boot[0].severity, LossSeverity::kBoot);
  EXPECT_NE(boot[0].what.find("mpt3sas"), std::string::npos);
  for (auto c : {HostClass::kVirtioScsi, HostClass::kStorvsc, HostClass::kFc}) {
    auto l = manual_losses(c, "", false);
    ASSERT_EQ(l.size(), 1u) << host_class_name(c);
    EXPECT_EQ(l[0].severity, LossSeverity::kHotPlug);
    // Reported by a kernel that raises SCSI_SCAN_REQUEST.
    EXPECT_TRUE(manual_losses(c, "", true).empty()) << host_class_name(c);
  }
  EXPECT_EQ(manual_losses(HostClass::kScanStart, "mpt3sas", true).size(), 1u);
  for (auto c : {HostClass::kParallel, HostClass::kLibata, HostClass::kUsbBot, HostClass::kUsbUas,
                 HostClass::kSas, HostClass::kIscsi, HostClass::kSrp})
    EXPECT_TRUE(manual_losses(c, "", false).empty()) << host_class_name(c);
}

// A LUN above 0 answers only after GET MAX LUN: a scan that created one saw
// them all, and the check scan would hold the LUNs' events for nothing.
TEST(LateLunsPossible, OnlyWhenNoLunAboveZeroWasCreated) {
  EXPECT_TRUE(late_luns_possible({}));
  EXPECT_TRUE(late_luns_possible({{6, 0, 0, 0}}));
  EXPECT_FALSE(late_luns_possible({{6, 0, 0, 0}, {6, 0, 0, 1}}));
  EXPECT_FALSE(late_luns_possible({{6, 0, 0, 2}}));
  // SCM_MULT_TARG readers: targets, not LUNs, and each at LUN 0.
  EXPECT_TRUE(late_luns_possible({{6, 0, 0, 0}, {6, 0, 1, 0}}));
}

// As a guest shows it: no attribute before the probe, 1 while the scan work
// is pending, 0 and suspended once GET MAX LUN has answered.
TEST(UsbScanWork, TheInterfacesReferenceTellsWhenGetMaxLunHasRun) {
  EXPECT_EQ(usb_scan_work(std::nullopt, std::nullopt, false), UsbScanWork::kUnknown);
  EXPECT_EQ(usb_scan_work("1", "active", false), UsbScanWork::kPending);
  EXPECT_EQ(usb_scan_work("0", "active", true), UsbScanWork::kDone);
  EXPECT_EQ(usb_scan_work("0", "suspended", true), UsbScanWork::kDone);
  // The work ran before the first look: the interface suspended.
  EXPECT_EQ(usb_scan_work("0", "suspended", false), UsbScanWork::kDone);
  // Before the reference is taken, or an interface that cannot suspend:
  // not known, so the timed wait stands.
  EXPECT_EQ(usb_scan_work("0", "active", false), UsbScanWork::kUnknown);
  EXPECT_EQ(usb_scan_work("0", std::nullopt, false), UsbScanWork::kUnknown);
  EXPECT_EQ(usb_scan_work("x", "suspended", true), UsbScanWork::kUnknown);
  // Another holder keeps it above 0: pending until the timed wait ends.
  EXPECT_EQ(usb_scan_work("2", "active", true), UsbScanWork::kPending);
}

}  // namespace
}  // namespace scsi_probe
