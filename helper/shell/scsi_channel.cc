#include "scsi_channel.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <scsi/sg_lib.h>
#include <scsi/sg_pt.h>

#include "cdb.h"
#include "report_luns.h"
#include "text.h"

namespace scsi_probe {

namespace {

struct PtDeleter {
  void operator()(sg_pt_base* p) const { destruct_scsi_pt_obj(p); }
};

std::string sense_text(std::span<const uint8_t> sense) {
  char buf[512];
  sg_get_sense_str(nullptr, sense.data(), static_cast<int>(sense.size()), 0, sizeof buf, buf);
  std::string s(buf);
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// The kernel's SG_IO timeout runs from dispatch; a host in error recovery
// dispatches nothing, for as long as the recovery of other commands takes.
// SG_IO on an sg node waits interruptibly (the request is orphaned and
// finished by the kernel): an alarm bounds the wait. bsg waits
// uninterruptibly, which is why sg nodes come first (CommandNodes).
class WaitBound {
 public:
  explicit WaitBound(unsigned seconds) {
    struct sigaction sa = {};
    sa.sa_handler = [](int) {};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: the ioctl returns EINTR
    sigaction(SIGALRM, &sa, &old_);
    alarm(seconds);
  }
  ~WaitBound() {
    alarm(0);
    sigaction(SIGALRM, &old_, nullptr);
  }
  WaitBound(const WaitBound&) = delete;
  WaitBound& operator=(const WaitBound&) = delete;

 private:
  struct sigaction old_ = {};
};

constexpr uint8_t kDidTimeOut = 0x03;  // host byte of a command the kernel timed out
constexpr uint8_t kTestUnitReady[6] = {0x00, 0, 0, 0, 0, 0};

std::string category_text(int category) {
  char buf[160];
  sg_get_category_sense_str(category, sizeof buf, buf, 0);
  return buf;
}

CommandResult failure(int category, std::string error) {
  CommandResult r;
  r.category = category;
  r.error = std::move(error);
  return r;
}

// A command do_scsi_pt() did not complete: `rc` is what it returned (not 0).
CommandResult not_completed(int rc) {
  if (rc == -EINTR)
    return failure(SG_LIB_CAT_TIMEOUT, concat({"no answer within ", std::to_string(ScsiChannel::kWaitSeconds),
                                               " s (the host may be in error recovery): given up"}));
  if (rc == SCSI_PT_DO_TIMEOUT)
    return failure(SG_LIB_CAT_TIMEOUT, concat({"timed out after ", std::to_string(ScsiChannel::kTimeoutSeconds), " s"}));
  return failure(SG_LIB_CAT_OTHER,
                 rc < 0 ? concat({"SG_IO: ", std::strerror(-rc)}) : "pass-through refused the command");
}

// A command that failed below SCSI: in the transport (the host byte; the
// kernel's own timeout is DID_TIME_OUT) or in the OS.
CommandResult transport_failure(const sg_pt_base* pt) {
  char buf[256];
  // sg3_utils 1.46 on Linux: the transport error is the host byte.
  const int transport_err = get_scsi_pt_transport_err(pt);
  const auto host_status = static_cast<uint8_t>(transport_err & 0xff);
  CommandResult r = host_status == kDidTimeOut
                        ? failure(SG_LIB_CAT_TIMEOUT, concat({"timed out after ",
                                                              std::to_string(ScsiChannel::kTimeoutSeconds),
                                                              " s (DID_TIME_OUT)"}))
                    : transport_err ? failure(SG_LIB_CAT_OTHER, get_scsi_pt_transport_err_str(pt, sizeof buf, buf))
                                    : failure(SG_LIB_CAT_OTHER, get_scsi_pt_os_err_str(pt, sizeof buf, buf));
  r.host_status = host_status;
  r.error = std::string(trim_end(r.error));
  return r;
}

// A command do_scsi_pt() completed: its data cut to what was transferred,
// its sense data kept and decoded; recovered errors and NO SENSE count as
// good.
CommandResult completed(const sg_pt_base* pt, std::vector<uint8_t> data, std::span<const uint8_t> sense_buffer) {
  const int resid = std::clamp(get_scsi_pt_resid(pt), 0, static_cast<int>(data.size()));
  data.resize(data.size() - static_cast<std::size_t>(resid));
  const int sense_len = std::clamp(get_scsi_pt_sense_len(pt), 0, static_cast<int>(sense_buffer.size()));
  const std::span<const uint8_t> sense = sense_buffer.first(static_cast<std::size_t>(sense_len));
  CommandResult r;
  switch (get_scsi_pt_result_category(pt)) {
    case SCSI_PT_RESULT_GOOD:
      r.category = SG_LIB_CAT_CLEAN;
      break;
    case SCSI_PT_RESULT_SENSE:
      r.category = sg_err_category_sense(sense.data(), sense_len);
      if (r.category == SG_LIB_CAT_RECOVERED || r.category == SG_LIB_CAT_NO_SENSE)
        r.category = SG_LIB_CAT_CLEAN;
      else
        r.error = sense_text(sense);
      break;
    case SCSI_PT_RESULT_STATUS:
      r = failure(SG_LIB_CAT_OTHER,
                  "SCSI status " + hex_number(static_cast<unsigned>(get_scsi_pt_status_response(pt)) & 0xff, 2));
      break;
    default:
      r = transport_failure(pt);
  }
  r.sense.assign(sense.begin(), sense.end());
  if (r.ok()) r.data = std::move(data);
  return r;
}

}  // namespace

Result<std::unique_ptr<ScsiChannel>> ScsiChannel::open(const std::string& node) {
  int fd = scsi_pt_open_device(node.c_str(), true, 0);
  if (fd < 0) return Error{concat({node, ": cannot open: ", std::strerror(-fd)}), -fd};
  return std::unique_ptr<ScsiChannel>(new ScsiChannel(fd));
}

void ScsiChannel::prepare_for_threads() {
  // No file handle: only the library's one-time lookup runs.
  check_pt_file_handle(-1, nullptr, 0);
}

Result<std::unique_ptr<ScsiChannel>> ScsiChannel::open_first(
    const std::function<std::optional<std::string>()>& next_node) {
  Result<std::unique_ptr<ScsiChannel>> ch = Error{"no sg, bsg or upper-level node to send commands through", ENODEV};
  while (std::optional<std::string> node = next_node())
    if ((ch = open(*node))) break;
  return ch;
}

ScsiChannel::~ScsiChannel() { scsi_pt_close_device(fd_); }

CommandResult ScsiChannel::execute_once(std::span<const uint8_t> cdb, std::size_t allocation_length) {
  std::unique_ptr<sg_pt_base, PtDeleter> pt(construct_scsi_pt_obj());
  if (!pt) return failure(SG_LIB_CAT_OTHER, "out of memory");
  std::vector<uint8_t> data(allocation_length);
  uint8_t sense[64] = {};
  set_scsi_pt_cdb(pt.get(), cdb.data(), static_cast<int>(cdb.size()));
  set_scsi_pt_sense(pt.get(), sense, sizeof sense);
  if (!data.empty()) set_scsi_pt_data_in(pt.get(), data.data(), static_cast<int>(data.size()));
  ++commands_sent_;
  int rc;
  {
    WaitBound bound(kWaitSeconds);
    rc = do_scsi_pt(pt.get(), fd_, kTimeoutSeconds, 0);
  }
  CommandResult r = rc == 0 ? completed(pt.get(), std::move(data), sense) : not_completed(rc);
  if (!r.ok() && r.error.empty()) r.error = category_text(r.category);
  return r;
}

CommandResult ScsiChannel::execute(std::span<const uint8_t> cdb, std::size_t allocation_length) {
  if (timed_out_) return failure(SG_LIB_CAT_TIMEOUT, "not sent: an earlier command timed out");
  CommandResult r;
  for (int attempt = 0; attempt <= kUnitAttentionRetries; ++attempt) {
    r = execute_once(cdb, allocation_length);
    if (r.category == SG_LIB_CAT_TIMEOUT) {
      timed_out_ = true;
      break;
    }
    if (r.category != SG_LIB_CAT_UNIT_ATTENTION && r.category != SG_LIB_CAT_ABORTED_COMMAND) break;
  }
  return r;
}

CommandResult ScsiChannel::test_unit_ready() {
  if (timed_out_) return {SG_LIB_CAT_TIMEOUT, {}, {}, 0, "not sent: an earlier command timed out"};
  CommandResult r = execute_once(kTestUnitReady, 0);
  if (r.category == SG_LIB_CAT_TIMEOUT) timed_out_ = true;
  return r;
}

CommandResult ScsiChannel::collect_unit_attentions() { return execute(kTestUnitReady, 0); }

CommandResult ScsiChannel::inquiry(std::size_t allocation_length) {
  auto cdb = inquiry_cdb(false, 0, static_cast<uint16_t>(std::min<std::size_t>(allocation_length, 0xffff)));
  return execute(cdb, allocation_length);
}

CommandResult ScsiChannel::vpd_page(uint8_t page) {
  // 255 first, as the kernel does: some devices reject longer requests.
  constexpr std::size_t kFirst = 255;
  CommandResult r = execute(inquiry_cdb(true, page, kFirst), kFirst);
  if (!r.ok() || r.data.size() < 4) return r;
  std::size_t full = 4 + ((std::size_t(r.data[2]) << 8) | r.data[3]);
  if (full <= r.data.size() || r.data.size() < kFirst) return r;
  full = std::min<std::size_t>(full, 0xffff);
  CommandResult again = execute(inquiry_cdb(true, page, static_cast<uint16_t>(full)), full);
  return again.ok() ? again : r;
}

CommandResult ScsiChannel::report_luns(uint8_t select_report) {
  // 511 LUNs and the header first, as the kernel does; then the length the
  // target claims, up to 65,536 LUNs.
  constexpr uint32_t kFirst = 8 + 511 * 8;
  constexpr uint32_t kMax = 8 + 65536 * 8;
  CommandResult r = execute(report_luns_cdb(select_report, kFirst), kFirst);
  if (!r.ok()) return r;
  auto list = parse_report_luns(r.data);
  if (!list) return r;
  auto retry = report_luns_retry_allocation(*list, kFirst, kMax);
  if (!retry) return r;
  CommandResult again = execute(report_luns_cdb(select_report, *retry), *retry);
  return again.ok() ? again : r;
}

}  // namespace scsi_probe
