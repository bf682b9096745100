// A simulated SCSI host for unit tests of the host walk and the target scan:
// it answers `scan` writes as scsi_scan_host_selected() and
// __scsi_scan_target() of Linux 6.1 do (limits, this_id, the well-known
// LUN, the kernel's own target scan) over a bus that the test describes, and
// records every write and delete. Test code only: not in the helper.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scsi_host.h"

namespace scsi_probe {

struct FakeTarget {
  // LUNs that answer an INQUIRY with a device (PQ 0).
  std::set<uint64_t> luns;
  // Whether the target answers at the REPORT LUNS well-known LUN 49409
  // (SPC-3 targets do; many older ones answer nothing there).
  bool well_known_lun = true;
  // Whether the kernel's own scan of the target finds its LUNs when LUN 0
  // has none (PQ 1 at LUN 0, then REPORT LUNS): most targets.
  bool kernel_scan_finds_luns = true;
};

class FakeScsiHost : public ScsiHost {
 public:
  explicit FakeScsiHost(unsigned number = 0) : number_(number) {}

  // The bus: Scsi_Host limits (max_channel inclusive, max_id and max_lun
  // exclusive, as the kernel compares them) and the targets on it.
  unsigned max_channel = 0;
  unsigned max_id = 8;
  uint64_t max_lun = 512;
  std::optional<unsigned> this_id;
  std::map<std::pair<unsigned, unsigned>, FakeTarget> bus;  // (channel, id)

  // Fault injection: a write whose text is a key fails with that errno;
  // after `removed_after_writes` writes the host is being removed (writes
  // succeed and do nothing, present() is false); `on_write` runs before
  // every write (a test's clock can advance there).
  std::map<std::string, int> failing_writes;
  std::optional<int> removed_after_writes;
  std::function<void(const std::string&)> on_write;

  // Puts a device in place without a write (what the kernel created before).
  void add_device(const ScsiAddress& a) { devices_.insert(a); }

  const std::vector<std::string>& writes() const { return writes_; }
  const std::vector<ScsiAddress>& deleted() const { return deleted_; }

  unsigned number() const override { return number_; }
  int scan_lun(const ScsiAddress& a) override;
  int kernel_scan_target(const ScsiTarget& t) override;
  int kernel_scan_host() override;
  int delete_device(const ScsiAddress& a, std::string_view reason) override;
  bool present() const override { return !removing_; }
  std::vector<ScsiAddress> devices() const override { return {devices_.begin(), devices_.end()}; }

 private:
  // Records the write; nullopt when it goes on, else its result.
  std::optional<int> begin_write(const std::string& text);
  bool beyond_limits(unsigned channel, unsigned id) const;
  void probe_lun(unsigned channel, unsigned id, uint64_t lun);
  void scan_one_target(unsigned channel, unsigned id);

  unsigned number_;
  bool removing_ = false;
  std::set<ScsiAddress> devices_;
  std::vector<std::string> writes_;
  std::vector<ScsiAddress> deleted_;
};

}  // namespace scsi_probe
