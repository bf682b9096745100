// The target side of a simulated host (fake_scsi_host.h) for unit tests of
// the LUN scan: REPORT LUNS lists the LUNs the test put on the bus (so
// taking a LUN off the bus unmaps it while its scsi_device stays), a fresh
// INQUIRY answers as the LUN does now (peripheral qualifier 3 once
// unmapped), and the clock only moves when the test moves it or the scan
// waits. Test code only: not in the helper.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fake_scsi_host.h"
#include "lun_scan_io.h"

namespace scsi_probe {

class FakeLunScanIo : public LunScanIo {
 public:
  FakeLunScanIo(FakeScsiHost& host, const ScsiTarget& t) : host_(host), t_(t) {}

  // What the answering LUN's INQUIRY and quirks say (SPC-4, no flags).
  AnsweringLunFacts answering{true, 7, 0};
  // REPORT LUNS fails with this error line.
  std::optional<std::string> report_luns_error;
  // LUNs REPORT LUNS leaves out though they still answer (a list out of step).
  std::set<uint64_t> unlisted;
  std::set<uint64_t> in_use;    // LUNs mounted, held or open
  std::set<uint64_t> handoffs;  // LUNs whose handoff file a scan run left
  std::chrono::milliseconds now{0};
  std::function<void()> on_wait;  // runs after each wait (a LUN mapped again, say)

  // Every command sent ("REPORT LUNS 49409", "INQUIRY 3") and every wait
  // ("wait 5 s"), in order; every change record.
  std::vector<std::string> log;
  std::vector<ChangeRecord> records;

  AnsweringLunFacts answering_lun(uint64_t) override { return answering; }
  LunCommandAnswer report_luns(uint64_t lun) override;
  LunCommandAnswer inquiry(uint64_t lun) override;
  std::optional<UseVerdict> use(uint64_t lun) override;
  bool handoff_exists(uint64_t lun) override { return handoffs.count(lun) > 0; }
  std::chrono::milliseconds elapsed() override { return now; }
  void wait(std::chrono::seconds d) override;
  void record(const ChangeRecord& r) override { records.push_back(r); }

 private:
  const std::set<uint64_t>& mapped() const;

  FakeScsiHost& host_;
  ScsiTarget t_;
};

}  // namespace scsi_probe
