// `scsi-probe rescan --dry-run`: the host walk (host_walk.h) and the LUN
// scan of a target (lun_scan.h) decide as on a real rescan, through these
// recording implementations of their seams. They forward what is read (the
// devices in sysfs, REPORT LUNS and INQUIRY, which change nothing, whether a
// LUN is in use) and record each scan write, delete and change event instead
// of making it.
//
// What a dry run cannot know, it says: a write of a LUN the target lists
// would add it, but a LUN that only a write would probe (a sequential scan,
// an ID without a target, the kernel's scan of a target or a host) may or
// may not answer. And as it writes nothing, it never meets the EINVAL that
// marks a host's limits: it takes the highest channel and the highest ID of
// each channel that have a target as the limits of its walk.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "host_walk.h"
#include "lun_scan_io.h"
#include "scsi_host.h"

namespace scsi_probe {

// A LUN a rescan would add or remove, and why.
struct DryRunLun {
  ScsiAddress address;
  std::string reason;
};

// A line about a host, target or LUN: "host2", "0:0:1", "0:0:1:3".
struct DryRunNote {
  std::string name;
  std::string text;
};

struct DryRunRecord {
  std::vector<DryRunLun> add;        // a scan write would create it: its target lists it
  std::vector<DryRunLun> remove;     // a delete
  std::vector<DryRunNote> keep;      // a removal the checks would hold back
  std::vector<DryRunNote> scanned;   // a scan's reasons, as the real run records them
  std::vector<DryRunNote> unknown;   // what only a write would show
};

// A ScsiHost that forwards reads to `real` and records writes in `record`.
// devices() shows the LUNs the recorded writes would add and not those the
// recorded deletes would remove, so the scan goes on as it would.
class RecordingScsiHost : public ScsiHost {
 public:
  RecordingScsiHost(const ScsiHost& real, DryRunRecord& record);

  // The target lists these LUNs (REPORT LUNS through LUN `through`): a
  // write of one of them would add it.
  void listed(const ScsiTarget& t, const std::vector<uint64_t>& luns, uint64_t through);
  // IDs without a target that the walk's probes wrote to, ascending; those
  // past the targets the host has (the dry run's stand-in for its limits)
  // not among them.
  const std::set<ScsiTarget>& probed_targets() const { return probed_; }
  bool kernel_host_scan() const { return kernel_host_scan_; }

  unsigned number() const override { return real_.number(); }
  int scan_lun(const ScsiAddress& a) override;
  int kernel_scan_target(const ScsiTarget& t) override;
  int kernel_scan_host() override;
  int delete_device(const ScsiAddress& a, std::string_view reason) override;
  bool present() const override { return real_.present(); }
  std::vector<ScsiAddress> devices() const override;

 private:
  bool past_known_targets(const ScsiTarget& t) const;

  const ScsiHost& real_;
  DryRunRecord& record_;
  std::set<ScsiAddress> added_, deleted_;
  std::map<ScsiTarget, std::pair<std::set<uint64_t>, uint64_t>> listed_;  // LUNs, and through which
  std::set<ScsiTarget> probed_;
  bool kernel_host_scan_ = false;
};

// A LunScanIo that forwards every read (and the wait between the two
// checks of a LUN gone: a real second check) to `real`, tells `host` what
// REPORT LUNS lists, and records the change records (a removal held back)
// instead of logging them.
class RecordingLunScanIo : public LunScanIo {
 public:
  RecordingLunScanIo(LunScanIo& real, RecordingScsiHost& host, const ScsiTarget& t, DryRunRecord& record)
      : real_(real), host_(host), t_(t), record_(record) {}

  AnsweringLunFacts answering_lun(uint64_t lun) override { return real_.answering_lun(lun); }
  LunCommandAnswer report_luns(uint64_t lun) override;
  LunCommandAnswer inquiry(uint64_t lun) override { return real_.inquiry(lun); }
  std::optional<UseVerdict> use(uint64_t lun) override { return real_.use(lun); }
  bool handoff_exists(uint64_t lun) override { return real_.handoff_exists(lun); }
  std::chrono::milliseconds elapsed() override { return real_.elapsed(); }
  void wait(std::chrono::seconds d) override { real_.wait(d); }
  void record(const ChangeRecord& r) override { record_.keep.push_back({r.object, r.reason}); }

 private:
  LunScanIo& real_;
  RecordingScsiHost& host_;
  ScsiTarget t_;
  DryRunRecord& record_;
};

// The walk's surroundings in a dry run: change events to known targets are
// recorded (the dry run scans those targets itself), no watchdog, and no
// clock: with no write made, a dry run has no budget to spend.
class RecordingWalkShell : public HostWalkShell {
 public:
  const std::vector<ScsiTarget>& targets_to_rescan() const { return targets_; }

  std::chrono::milliseconds elapsed() const override { return std::chrono::milliseconds(0); }
  int send_target_change(const ScsiTarget& t) override {
    targets_.push_back(t);
    return 0;
  }
  int send_continuation(const ScsiTarget&) override { return 0; }
  std::optional<HandOff> go_on(const std::optional<WalkHandover>&) override { return std::nullopt; }
  void kernel_rescan_starts(const std::set<ScsiTarget>&) override {}
  void kernel_rescan_ends(bool) override {}

 private:
  std::vector<ScsiTarget> targets_;
};

// What a dry run of a host's walk says of new targets, which only the
// walk's writes would find: the kernel's scan of the host, the IDs without
// a target among the known ones (and past them, up to limits only a write
// shows), or the targets of remote ports (`ports`: a transport host).
std::string describe_new_target_probes(const std::set<ScsiTarget>& probed, bool kernel_host_scan, bool ports);

}  // namespace scsi_probe
