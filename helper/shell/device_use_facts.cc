#include "device_use_facts.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <string_view>

#include "result.h"
#include "sysfs.h"
#include "text.h"

namespace scsi_probe {

namespace {

std::vector<std::string> folder_entries(const std::string& folder) {
  std::vector<std::string> names;
  if (DIR* d = opendir(folder.c_str())) {
    while (dirent* e = readdir(d))
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    closedir(d);
  }
  return names;
}

struct Node {
  bool block = false;
  dev_t number = 0;
  std::string path;
};

// The device's nodes (sg, bsg, block and partitions), its block nodes with
// their holders into `f`; the whole disk's node, if any. False when the
// nodes cannot be listed.
bool gather_nodes(udev* u, udev_device* scsi_device, DeviceUseFacts& f, std::vector<Node>& nodes,
                  std::string& whole_disk) {
  UdevEnumeratePtr e(udev_enumerate_new(u));
  if (!e || udev_enumerate_add_match_parent(e.get(), scsi_device) < 0 ||
      udev_enumerate_scan_devices(e.get()) < 0)
    return false;
  udev_list_entry* entry;
  udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(e.get())) {
    UdevDevicePtr d(udev_device_new_from_syspath(u, udev_list_entry_get_name(entry)));
    if (!d) continue;
    const char* node = udev_device_get_devnode(d.get());
    const dev_t number = udev_device_get_devnum(d.get());
    if (!node || major(number) == 0) continue;
    const char* subsystem = udev_device_get_subsystem(d.get());
    const bool block = subsystem && std::strcmp(subsystem, "block") == 0;
    nodes.push_back({block, number, node});
    if (!block) continue;
    BlockNodeUse b{udev_device_get_sysname(d.get()), major(number), minor(number), {}};
    for (auto& h : folder_entries(std::string(udev_device_get_syspath(d.get())) + "/holders"))
      b.holders.push_back(std::move(h));
    const char* devtype = udev_device_get_devtype(d.get());
    if (devtype && std::strcmp(devtype, "disk") == 0) {
      whole_disk = node;
      f.blocks.insert(f.blocks.begin(), std::move(b));
    } else {
      f.blocks.push_back(std::move(b));
    }
  }
  return true;
}

void gather_mounts_and_swaps(DeviceUseFacts& f) {
  if (auto text = read_whole_file("/proc/self/mountinfo"))
    f.mounts = parse_mountinfo(*text);
  else
    f.unknown.push_back(text.error().message);
  // No /proc/swaps: a kernel without swap.
  if (auto text = read_whole_file("/proc/swaps")) {
    for (auto& s : parse_swaps(*text)) {
      struct stat st;
      if (stat(s.where.c_str(), &st) != 0 || !S_ISBLK(st.st_mode)) continue;
      s.major = major(st.st_rdev);
      s.minor = minor(st.st_rdev);
      f.swaps.push_back(std::move(s));
    }
  } else if (text.error().code != ENOENT) {
    f.unknown.push_back(text.error().message);
  }
}

// Like fuser: every open file of every other process, by device number.
void gather_openers(const std::vector<Node>& nodes, DeviceUseFacts& f) {
  const std::string self = std::to_string(getpid());
  for (const auto& pid : folder_entries("/proc")) {
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid == self) continue;
    const std::string fd_folder = "/proc/" + pid + "/fd/";
    std::set<std::string> seen;
    for (const auto& fd : folder_entries(fd_folder)) {
      // Only files under /dev are looked at: a stat of a file on a network
      // file system whose server is gone could hang this run.
      char target[256];
      ssize_t n = readlink((fd_folder + fd).c_str(), target, sizeof target - 1);
      if (n < 5 || std::string_view(target, 5) != "/dev/") continue;
      struct stat st;
      if (stat((fd_folder + fd).c_str(), &st) != 0) continue;  // closed since
      if (!S_ISBLK(st.st_mode) && !S_ISCHR(st.st_mode)) continue;
      for (const auto& n : nodes) {
        if (n.number != st.st_rdev || n.block != S_ISBLK(st.st_mode) || !seen.insert(n.path).second) continue;
        const std::string comm = read_whole_file("/proc/" + pid + "/comm").value_or("?");
        f.openers.push_back({std::stoi(pid), std::string(trim_end(comm)), n.path});
      }
    }
  }
}

}  // namespace

DeviceUseFacts gather_device_use(udev* u, udev_device* scsi_device) {
  DeviceUseFacts f;
  std::vector<Node> nodes;
  std::string whole_disk;
  if (!gather_nodes(u, scsi_device, f, nodes, whole_disk)) {
    f.unknown.push_back("the device's nodes cannot be listed");
    return f;
  }
  gather_mounts_and_swaps(f);
  gather_openers(nodes, f);
  // The kernel's own claim (mount, swap, dm, md, an O_EXCL opener), which
  // also covers mounts in other mount namespaces; tried only when nothing
  // above shows a use, and read-only.
  if (!whole_disk.empty() && !decide_device_use(f).in_use) {
    int fd = open(whole_disk.c_str(), O_RDONLY | O_EXCL | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      close(fd);
      f.exclusive = ExclusiveOpen::kFree;
    } else if (errno == EBUSY) {
      f.exclusive = ExclusiveOpen::kBusy;
    }
  }
  return f;
}

UseVerdict device_use(udev* u, udev_device* scsi_device) {
  return decide_device_use(gather_device_use(u, scsi_device));
}

}  // namespace scsi_probe
