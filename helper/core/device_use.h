// Whether a SCSI device is in use, from plain facts the shell gathers
// (device_use_facts.h): a device in use is never deleted nor unbound,
// whatever asked for it (a LUN the target stopped reporting, the policy's
// skip or no-attach, LUN 0 after a scan). The kernel keeps a device whose
// LUN went away for a while; the file system on it carries on when the LUN
// comes back. A deleted device is gone for good: its file system is lost.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scsi_probe {

// One block node of the device: the whole disk, or one of its partitions.
struct BlockNodeUse {
  std::string name;  // "sdb", "sdb1"
  unsigned major = 0, minor = 0;
  std::vector<std::string> holders;  // sysfs block/<name>/holders: "dm-0", "md127"
};

// A mounted file system (/proc/self/mountinfo) or a swap area (/proc/swaps,
// its file resolved to a device number by the shell).
struct MountedNode {
  unsigned major = 0, minor = 0;
  std::string where;  // the mount point, or the swap file's name
};

// Another process that has one of the device's nodes open (/proc/PID/fd).
struct NodeOpener {
  int pid = 0;
  std::string command;  // /proc/PID/comm
  std::string node;     // "/dev/sdb1", "/dev/sg2", ...
};

// open(O_RDONLY | O_EXCL | O_NONBLOCK) on the whole disk's node: EBUSY when
// the kernel has it claimed (mounted, swap, dm, md, another O_EXCL opener),
// also from a mount namespace that mountinfo does not show.
enum class ExclusiveOpen { kNotTried, kFree, kBusy };

struct DeviceUseFacts {
  std::vector<BlockNodeUse> blocks;  // whole disk first; none for sg-only devices
  std::vector<MountedNode> mounts;   // every mount the helper sees
  std::vector<MountedNode> swaps;    // every active block-device swap area
  ExclusiveOpen exclusive = ExclusiveOpen::kNotTried;
  std::vector<NodeOpener> openers;   // the helper itself left out
  // Facts that could not be read ("/proc/self/mountinfo: Permission
  // denied"): the device is then taken as in use, since it may be.
  std::vector<std::string> unknown;
};

struct UseVerdict {
  bool in_use = false;
  // "in use: mounted at /mnt (sdb1); held by dm-0 (sdb); open by pid 123
  // (cat) on /dev/sdb"; "not in use" otherwise.
  std::string reason;
};

UseVerdict decide_device_use(const DeviceUseFacts& facts);

// The mounts of a mountinfo file (proc(5)): device number and mount point,
// its octal escapes (\040 for a blank) decoded. Lines that do not parse are
// skipped.
std::vector<MountedNode> parse_mountinfo(std::string_view text);

// The file names of /proc/swaps, header left out, escapes decoded. The
// device number is the shell's to find (stat); major and minor stay 0.
std::vector<MountedNode> parse_swaps(std::string_view text);

// "major:minor" as sysfs `dev` and mountinfo print it.
std::optional<std::pair<unsigned, unsigned>> parse_device_number(std::string_view text);

}  // namespace scsi_probe
