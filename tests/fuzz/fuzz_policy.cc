// The administrator's LUN policy: a file, the kernel command line, and the
// decisions for one LUN. Input: transport (u8), H, C, T (u32 each), L (u64),
// then fields: the target's transport address, ID_WWN_WITH_EXTENSION, one
// designator name ("naa.<hex>"), the kernel command line; the rest is the
// file's text.
#include <algorithm>

#include "fuzz_input.h"
#include "lun_policy.h"

using namespace scsi_probe;

namespace {

bool one_line(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\n' || c == '\0'; });
}

bool same_rule(const Rule& a, const Rule& b) {
  auto sets = [](const NumberSet& x, const NumberSet& y) { return x.ranges == y.ranges; };
  return a.kind == b.kind && sets(a.host, b.host) && sets(a.channel, b.channel) &&
         sets(a.target, b.target) && sets(a.luns, b.luns) && a.port == b.port &&
         a.name == b.name && a.instantiate == b.instantiate && a.attach == b.attach &&
         a.handler == b.handler && a.handler_auto == b.handler_auto;
}

void check_file(const PolicyFile& f) {
  for (const auto& e : f.errors) FUZZ_CHECK(!e.message.empty() && one_line(e.format()));
  for (const Rule& r : f.rules) {
    // The text as recorded: single blanks between words, no comment, no
    // control character; parsed again, it is the same rule.
    FUZZ_CHECK(!r.text.empty() && r.text.front() != ' ' && r.text.back() != ' ');
    FUZZ_CHECK(r.text.find("  ") == std::string::npos && r.text.find('#') == std::string::npos);
    for (char c : r.text) FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f);
    for (const NumberSet* s : {&r.host, &r.channel, &r.target, &r.luns})
      for (const auto& [lo, hi] : s->ranges) FUZZ_CHECK(lo <= hi);
    const PolicyFile again = parse_policy("again", r.text);
    FUZZ_CHECK(again.errors.empty() && again.rules.size() == 1);
    FUZZ_CHECK(same_rule(again.rules[0], r) && again.rules[0].text == r.text);
    // Every rule says something: a LUN verdict, a handler, or what becomes
    // of the LUN once unreported.
    FUZZ_CHECK(r.instantiate || r.attach || r.says_handler() || r.remove_unreported);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  LunAddress lun;
  lun.target.transport = static_cast<Transport>(in.u8() % 4);
  lun.hctl.host = in.u32();
  lun.hctl.channel = in.u32();
  lun.hctl.target = in.u32();
  lun.hctl.lun = in.u64();
  lun.target.address = fuzz::text(in.field());
  LunIdentity identity;
  identity.wwn_with_extension = fuzz::text(in.field());
  identity.designators.emplace_back(fuzz::text(in.field()));
  const std::string_view cmdline = fuzz::text(in.field());
  const std::string_view text = fuzz::text(in.rest());

  const PolicyFile file = parse_policy("/etc/scsi-probe.d/50-fuzz.conf", text);
  check_file(file);
  const PolicyFile cmd = parse_cmdline_policy(cmdline);
  check_file(cmd);

  // A source with an error is ignored whole; the others are in force.
  const Policy p = build_policy({{"/etc/scsi-probe.d/50-fuzz.conf", std::string(text)}}, cmdline);
  const std::size_t expected = (file.errors.empty() ? file.rules.size() : 0) +
                               (cmd.errors.empty() ? cmd.rules.size() : 0);
  FUZZ_CHECK(p.rules.size() == expected);
  FUZZ_CHECK(p.errors.size() == file.errors.size() + cmd.errors.size());

  const InstantiateDecision inst = decide_instantiate(p, lun);
  FUZZ_CHECK(!inst.reason.empty() && one_line(inst.reason));
  if (inst.provisional) FUZZ_CHECK(inst.instantiate);
  if (p.empty()) FUZZ_CHECK(inst.instantiate && !inst.provisional && inst.rule.empty());

  const DeviceVerdict v = decide_device(p, lun, identity);
  if (!v.request.keep) FUZZ_CHECK(!v.keep_rule.empty());
  if (p.empty()) FUZZ_CHECK(v.request.keep && v.request.attach && !v.request.handler);
  for (const auto& line : matching_rules(p, lun, &identity)) FUZZ_CHECK(one_line(line));
  // Without a WWN rule: what is instantiated is kept; of the rest, only an
  // explicit skip removes a LUN that exists (a listing leaves it alone),
  // unless the scan run that instantiated it to identify it decides.
  const bool wwn_rules = std::any_of(p.rules.begin(), p.rules.end(),
                                     [](const Rule& r) { return r.kind == MatchKind::kWwn; });
  if (!wwn_rules) {
    FUZZ_CHECK(!inst.provisional);
    FUZZ_CHECK(v.request.keep == (inst.instantiate || inst.unlisted));
    FUZZ_CHECK(decide_device(p, lun, identity, true).request.keep == inst.instantiate);
  }
  return 0;
}
