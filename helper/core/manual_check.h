// `scsi-probe check`: whether scsi_mod.scan=manual is safe on this machine,
// from the facts the shell gathers (each host's class, open-iscsi's node
// settings, the initramfs's file list). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host_class.h"

namespace scsi_probe {

struct CheckedHost {
  std::string name;       // hostN
  std::string proc_name;
  HostClass cls = HostClass::kParallel;
};

// One open-iscsi node record (/etc/iscsi/nodes/<target>/<portal>/default):
// its node.session.scan, if the record sets it.
struct IscsiNode {
  std::string path;
  std::optional<std::string> session_scan;
};

// The value of `key` in open-iscsi's "key = value" text (node records,
// iscsid.conf); comments (#) ignored; the last setting wins.
std::optional<std::string> iscsi_setting(std::string_view text, std::string_view key);

struct InitramfsFacts {
  bool inspected = false;  // an image was found and listed
  std::string image;
  bool has_helper = false;
};

// Whether an initramfs file list (lsinitramfs) holds the helper and its rules.
bool initramfs_has_helper(std::string_view listing);

enum class CheckVerdict {
  kSafe,        // nothing is lost under manual
  kLimits,      // devices added while running need a rescan, or another
                // program scans for scsi-probe (iscsid)
  kNotSafe,     // devices present at boot would not appear
};

struct CheckReport {
  std::vector<std::string> lines;  // one per host and per finding
  CheckVerdict verdict = CheckVerdict::kSafe;
};

// `iscsid_default`: node.session.scan of iscsid.conf (applies to nodes that
// do not set it; open-iscsi's own default is auto). `iscsi_installed`: the
// node database exists.
// `kernel_reports_scans`: as for manual_losses (host_class.h).
CheckReport check_manual(const std::vector<CheckedHost>& hosts, bool kernel_reports_scans, bool iscsi_installed,
                         const std::vector<IscsiNode>& nodes,
                         const std::optional<std::string>& iscsid_default,
                         const InitramfsFacts& initramfs);

}  // namespace scsi_probe
