// SCSI_SCAN_REQUEST of a patched scsi_mod and the host run's plan for it.
// Input: u8 host class, u8 flags (bit 0: an event SEQNUM, bit 1: a record,
// bit 2: the host is walked), u64 SEQNUM, u64 the record's start, then the
// property's value.
#include "fuzz_input.h"
#include "scan_request.h"

using namespace scsi_probe;

namespace {

// Single blanks between fields, no leading zeros, no newline: the kernel's own form.
bool canonical(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ' || text.find("  ") != std::string_view::npos)
    return false;
  for (std::size_t i = 0; i + 1 < text.size(); i++)
    if (text[i] == '0' && (i == 0 || text[i - 1] == ' ') && text[i + 1] >= '0' && text[i + 1] <= '9') return false;
  return text.find_first_not_of("0123456789- ") == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  HostEventFacts f;
  f.host = 7;
  f.host_class = static_cast<HostClass>(in.u8() % (static_cast<int>(HostClass::kSrp) + 1));
  const uint8_t flags = in.u8();
  const uint64_t seqnum = in.u64(), started = in.u64();
  if (flags & 1) f.seqnum = seqnum;
  if (flags & 2) f.last_walk.started_at = started;
  f.walked = flags & 4;
  const std::string_view text = fuzz::text(in.rest());
  f.request = std::string(text);

  const Result<ScanRequest> r = parse_scan_request(text);
  if (r) {
    const std::string back = format_scan_request(*r);
    FUZZ_CHECK(parse_scan_request(back) && *parse_scan_request(back) == *r);
    if (canonical(text)) FUZZ_CHECK(back == text);
  } else {
    FUZZ_CHECK(!r.error().message.empty());
  }

  const HostRunPlan p = plan_host_run(f);
  FUZZ_CHECK((p.scope == HostRunScope::kAsBefore) == !r);
  FUZZ_CHECK(p.ignored.empty() == r.ok());
  FUZZ_CHECK(p.reason.empty() == !r);
  if (r) {
    const bool names_target = r->channel && r->id;
    FUZZ_CHECK((p.scope == HostRunScope::kTarget) == (names_target && f.walked));
    if (p.scope == HostRunScope::kTarget) FUZZ_CHECK(p.target == (ScsiTarget{7, *r->channel, *r->id}));
    // Only a request for the whole host raised before a recorded walk started is answered.
    FUZZ_CHECK((p.scope == HostRunScope::kAnswered) ==
               (!names_target && f.seqnum && f.last_walk.started_at && *f.seqnum <= *f.last_walk.started_at));
    FUZZ_CHECK(p.reason.find('\n') == std::string::npos);
  }
  f.request.reset();
  FUZZ_CHECK(plan_host_run(f).scope == HostRunScope::kAsBefore);
  return 0;
}
