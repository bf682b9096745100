// SCSI commands over SG_IO, through libsgutils2's pass-through layer: each
// command has a timeout, sense data is decoded by the library, and a unit
// attention or an aborted command is retried a bounded number of times.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "result.h"

namespace scsi_probe {

struct CommandResult {
  // SG_LIB_CAT_* from libsgutils2; SG_LIB_CAT_CLEAN on success,
  // SG_LIB_CAT_TIMEOUT on a timeout, SG_LIB_CAT_OTHER on a transport or OS error.
  int category = 0;
  std::vector<uint8_t> data;   // bytes actually transferred
  std::vector<uint8_t> sense;  // sense data as returned
  uint8_t host_status = 0;     // Linux host byte (DID_*) of a transport failure
  std::string error;           // one line for the log; empty on success
  bool ok() const { return category == 0; }
};

class ScsiChannel {
 public:
  // Opens `node` (an sg, block or tape node) read-only and non-blocking.
  static Result<std::unique_ptr<ScsiChannel>> open(const std::string& node);
  // The first node `next_node` gives that opens (it gives nullopt when there
  // are no more: CommandNodes); else why the last one did not, or that
  // there was none.
  static Result<std::unique_ptr<ScsiChannel>> open_first(
      const std::function<std::optional<std::string>()>& next_node);
  // libsgutils2 learns the bsg major from /proc/devices on its first use,
  // behind a flag it sets before the number: a thread that opens a channel
  // meanwhile takes a bsg node for sg, and SG_IO fails with EINVAL. Call
  // once before threads send commands.
  static void prepare_for_threads();
  ~ScsiChannel();
  ScsiChannel(const ScsiChannel&) = delete;
  ScsiChannel& operator=(const ScsiChannel&) = delete;

  CommandResult execute(std::span<const uint8_t> cdb, std::size_t allocation_length);

  // Standard INQUIRY, or one VPD page in full (asks again with the page's own
  // length when the first answer was cut).
  CommandResult inquiry(std::size_t allocation_length = 96);
  CommandResult vpd_page(uint8_t page);
  // REPORT LUNS, asking again with the list length the target claimed.
  CommandResult report_luns(uint8_t select_report = 0);
  // TEST UNIT READY, sent once: a unit attention is the answer wanted.
  CommandResult test_unit_ready();
  // TEST UNIT READY until no unit attention is left pending (bounded as
  // execute() is): what sd's probe does before anyone else asks.
  CommandResult collect_unit_attentions();

  int commands_sent() const { return commands_sent_; }

  static constexpr int kTimeoutSeconds = 10;
  // The longest wait for one command, queueing included (scsi_channel.cc).
  static constexpr unsigned kWaitSeconds = kTimeoutSeconds + 5;
  // UNIT ATTENTION and ABORTED COMMAND, as the kernel retries its own scan
  // and VPD commands.
  static constexpr int kUnitAttentionRetries = 3;

 private:
  explicit ScsiChannel(int fd) : fd_(fd) {}
  CommandResult execute_once(std::span<const uint8_t> cdb, std::size_t allocation_length);

  int fd_;
  int commands_sent_ = 0;
  // After a timeout the device has been through the kernel's error handler:
  // it is not asked again in this run, which so stays within one timeout of
  // its own work (scsi-probe(8), BOUNDS).
  bool timed_out_ = false;
};

}  // namespace scsi_probe
