#include "lun_policy.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>
#include <span>

#include "kernel_cmdline.h"
#include "result.h"
#include "text.h"

namespace scsi_probe {

namespace {

constexpr std::size_t kMaxIscsiNameLength = 223;  // RFC 7143 6.3

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool all_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_hex_digit);
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && lowercase(s.substr(0, prefix.size())) == prefix;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// Decimal, or hexadecimal after "0x"; nothing else (no sign, no blanks).
std::optional<uint64_t> parse_number(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

Result<NumberSet> parse_number_set(std::string_view text, std::string_view what, uint64_t max) {
  if (text == "*") {
    return NumberSet{};
  }
  if (text.empty()) return Error{"empty " + std::string(what)};
  NumberSet set;
  for (auto item : split(text, ',')) {
    if (item == "*") return Error{"'*' cannot be part of a list in " + std::string(what) + " '" + std::string(text) + "'"};
    std::string_view lo_text = item, hi_text = item;
    // A '-' after the first character separates a range.
    if (auto dash = item.find('-', 1); dash != std::string_view::npos) {
      lo_text = item.substr(0, dash);
      hi_text = item.substr(dash + 1);
    }
    auto lo = parse_number(lo_text);
    auto hi = parse_number(hi_text);
    if (!lo || !hi) {
      return Error{"bad " + std::string(what) + " '" + std::string(item) +
                "' (expected a number, a range N-M, a list of them, or '*')"};
    }
    if (*lo > max || *hi > max) return Error{std::string(what) + " '" + std::string(item) + "' is larger than " + std::to_string(max)};
    if (*lo > *hi) return Error{"range '" + std::string(item) + "' in " + std::string(what) + " is reversed"};
    set.ranges.emplace_back(*lo, *hi);
  }
  return set;
}

// FC WWPNs and SAS addresses: 0x and up to 16 hex digits (as sysfs prints
// them), 16 hex digits, or eight colon-separated bytes (as FC tools print).
std::optional<uint64_t> parse_port_address(std::string_view s) {
  s = trim(s);
  std::string digits;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    digits = s.substr(2);
    if (digits.size() > 16) return std::nullopt;
  } else if (s.find(':') != std::string_view::npos) {
    auto bytes = split(s, ':');
    if (bytes.size() != 8) return std::nullopt;
    for (auto b : bytes) {
      if (b.size() != 2) return std::nullopt;
      digits += b;
    }
  } else {
    if (s.size() != 16) return std::nullopt;
    digits = s;
  }
  if (!all_hex(digits)) return std::nullopt;
  uint64_t v = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), v, 16);
  return v;
}

Result<std::string> parse_wwn(std::string_view s) {
  struct Form {
    std::string_view prefix;
    std::vector<std::size_t> lengths;  // hex digits
    std::string_view what;
  };
  static const Form kForms[] = {
      {"naa.", {16, 32}, "an NAA designator takes 16 or 32 hex digits"},
      {"eui.", {16, 24, 32}, "an EUI-64 designator takes 16, 24 or 32 hex digits"},
      {"0x", {16, 32}, "ID_WWN_WITH_EXTENSION takes 16 or 32 hex digits"},
  };
  for (const auto& f : kForms) {
    if (!starts_with_ci(s, f.prefix)) continue;
    std::string_view hex = s.substr(f.prefix.size());
    if (!all_hex(hex) ||
        std::find(f.lengths.begin(), f.lengths.end(), hex.size()) == f.lengths.end()) return Error{"bad wwn '" + std::string(s) + "': " + std::string(f.what)};
    return lowercase(s);
  }
  return Error{"bad wwn '" + std::string(s) + "' (expected naa.HEX, eui.HEX or 0xHEX)"};
}

Result<std::string> parse_iscsi_name(std::string_view s) {
  if (!starts_with_ci(s, "iqn.") && !starts_with_ci(s, "eui.") && !starts_with_ci(s, "naa.")) return Error{"bad iSCSI target name '" + std::string(s) + "' (expected iqn., eui. or naa.)"};
  if (s.size() > kMaxIscsiNameLength) return Error{"iSCSI target name longer than " + std::to_string(kMaxIscsiNameLength) + " bytes"};
  return lowercase(s);  // iSCSI names compare case-insensitively (RFC 3722)
}

// The actions at tokens[i...] into `rule`; the first bad one's error.
Status parse_actions(const std::vector<std::string_view>& tokens, std::size_t i, Rule& rule) {
  if (i == tokens.size()) return Error{"no action (expected instantiate, skip, attach, no-attach, handler=NAME or unreported=keep|remove)"};
  for (; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    auto set = [&](auto& slot, auto value, std::string_view aspect) -> Status {
      if (slot.has_value()) return Error{"a second " + std::string(aspect) + " action '" + std::string(t) + "'"};
      slot = value;
      return done();
    };
    Status ok = done();
    if (t == "instantiate") {
      ok = set(rule.instantiate, true, "instantiate/skip");
    } else if (t == "skip") {
      ok = set(rule.instantiate, false, "instantiate/skip");
    } else if (t == "attach") {
      ok = set(rule.attach, true, "attach/no-attach");
    } else if (t == "no-attach") {
      ok = set(rule.attach, false, "attach/no-attach");
    } else if (t.substr(0, 8) == "handler=") {
      std::string_view name = t.substr(8);
      if (rule.says_handler()) return Error{"a second handler action '" + std::string(t) + "'"};
      if (name == "auto") {
        rule.handler_auto = true;
      } else if (auto h = device_handler_by_name(name)) {
        rule.handler = *h;
      } else {
        return Error{"unknown handler '" + std::string(name) +
                "' (expected auto, none, alua, emc, hp_sw or rdac)"};
      }
    } else if (t == "unreported=keep" || t == "unreported=remove") {
      ok = set(rule.remove_unreported, t == "unreported=remove", "unreported=");
    } else if (t.substr(0, 11) == "unreported=") {
      return Error{"unknown value '" + std::string(t.substr(11)) + "' for unreported= (expected keep or remove)"};
    } else if (t == "lun") {
      return Error{"'lun' belongs right after an fc, sas or iscsi address"};
    } else {
      return Error{"unknown action '" + std::string(t) +
                   "' (expected instantiate, skip, attach, no-attach, handler=NAME or unreported=keep|remove)"};
    }
    if (!ok) return ok;
  }
  return done();
}

constexpr uint64_t kMaxId = std::numeric_limits<unsigned>::max();
constexpr uint64_t kMaxLun = std::numeric_limits<uint64_t>::max();

// The H:C:T:L of an hctl rule.
Status parse_hctl(std::string_view arg, Rule& rule) {
  auto fields = split(arg, ':');
  if (fields.size() != 4) return Error{"'" + std::string(arg) + "' is not H:C:T:L"};
  struct Field {
    NumberSet* set;
    std::string_view what;
    uint64_t max;
  };
  Field parts[] = {{&rule.host, "host", kMaxId},
                   {&rule.channel, "channel", kMaxId},
                   {&rule.target, "target", kMaxId},
                   {&rule.luns, "LUN", kMaxLun}};
  for (std::size_t f = 0; f < 4; ++f) {
    auto p = parse_number_set(fields[f], parts[f].what, parts[f].max);
    if (!p) return p.error();
    *parts[f].set = *p;
  }
  return done();
}

// What a rule of `kind` (one of the five) matches, from its argument.
Status parse_match(std::string_view kind, std::string_view arg, Rule& rule) {
  if (kind == "hctl") {
    rule.kind = MatchKind::kHctl;
    return parse_hctl(arg, rule);
  }
  if (kind == "fc" || kind == "sas") {
    rule.kind = kind == "fc" ? MatchKind::kFc : MatchKind::kSas;
    auto port = parse_port_address(arg);
    if (!port)
      return Error{std::string(kind == "fc" ? "bad FC port name '" : "bad SAS address '") + std::string(arg) +
                   "' (expected 0x and 16 hex digits, or 8 bytes as xx:xx:...)"};
    rule.port = *port;
    return done();
  }
  auto name = kind == "iscsi" ? parse_iscsi_name(arg) : parse_wwn(arg);
  if (!name) return name.error();
  rule.kind = kind == "iscsi" ? MatchKind::kIscsi : MatchKind::kWwn;
  rule.name = *name;
  return done();
}

// One rule from the tokens of a line, or what is wrong with it.
Result<Rule> parse_rule(const std::vector<std::string_view>& tokens) {
  Rule rule;
  std::string_view kind = tokens[0];
  if (kind != "hctl" && kind != "fc" && kind != "sas" && kind != "iscsi" && kind != "wwn")
    return Error{"unknown rule '" + std::string(kind) + "' (expected hctl, fc, sas, iscsi or wwn)"};
  if (tokens.size() < 2)
    return Error{"'" + std::string(kind) + "' needs " +
                 (kind == "hctl" ? "H:C:T:L" : kind == "wwn" ? "a WWN" : "an address")};
  if (Status match = parse_match(kind, tokens[1], rule); !match) return match.error();
  std::size_t next = 2;
  bool transport = rule.kind == MatchKind::kFc || rule.kind == MatchKind::kSas || rule.kind == MatchKind::kIscsi;
  if (transport && next < tokens.size() && tokens[next] == "lun") {
    if (next + 1 == tokens.size()) return Error{"'lun' needs LUNs (numbers, ranges N-M, lists, or '*')"};
    auto luns = parse_number_set(tokens[next + 1], "LUN", kMaxLun);
    if (!luns) return luns.error();
    rule.luns = *luns;
    next += 2;
  }
  if (Status actions = parse_actions(tokens, next, rule); !actions) return actions.error();
  // A LUN the target no longer reports cannot be identified any more.
  if (rule.kind == MatchKind::kWwn && rule.remove_unreported)
    return Error{"unreported= needs an address (hctl, fc, sas or iscsi), not a wwn rule"};
  return rule;
}

// One line (or one command-line rule): appends a rule or an error; blank
// and comment-only lines add nothing.
void parse_line(std::string_view source, std::size_t line_number, std::string_view line,
                PolicyFile& out) {
  auto error = [&](std::string message) {
    out.errors.push_back({std::string(source), line_number, std::move(message)});
  };
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "control character 0x%02x", u);
      error(u == 0 ? "NUL byte" : buf);
      return;
    }
  }
  std::vector<std::string_view> tokens = split_words(line);
  if (tokens.empty()) return;
  auto rule = parse_rule(tokens);
  if (!rule) {
    error(rule.error().message);
    return;
  }
  rule->source = source;
  rule->line = line_number;
  for (auto t : tokens) rule->text += (rule->text.empty() ? "" : " ") + std::string(t);
  out.rules.push_back(std::move(*rule));
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The rule's match without its LUN part: does it name this LUN's target?
bool matches_target(const Rule& r, const LunAddress& lun) {
  switch (r.kind) {
    case MatchKind::kHctl:
      return r.host.contains(lun.hctl.host) && r.channel.contains(lun.hctl.channel) &&
             r.target.contains(lun.hctl.target);
    case MatchKind::kFc:
    case MatchKind::kSas: {
      Transport t = r.kind == MatchKind::kFc ? Transport::kFc : Transport::kSas;
      if (lun.target.transport != t) return false;
      auto port = parse_port_address(lun.target.address);
      return port && *port == r.port;
    }
    case MatchKind::kIscsi:
      return lun.target.transport == Transport::kIscsi &&
             lowercase(trim(lun.target.address)) == r.name;
    case MatchKind::kWwn:
      return false;
  }
  return false;
}

bool matches_address(const Rule& r, const LunAddress& lun) {
  return r.kind != MatchKind::kWwn && matches_target(r, lun) && r.luns.contains(lun.hctl.lun);
}

bool matches_wwn(const Rule& r, const LunIdentity& id) {
  if (r.kind != MatchKind::kWwn) return false;
  if (r.name.substr(0, 2) == "0x") return lowercase(id.wwn_with_extension) == r.name;
  return std::find(id.designators.begin(), id.designators.end(), r.name) != id.designators.end();
}

bool matches(const Rule& r, const LunAddress& lun, const LunIdentity& id) {
  return r.kind == MatchKind::kWwn ? matches_wwn(r, id) : matches_address(r, lun);
}

// The last `instantiate` rule that names this LUN's target: it makes the
// target's other LUNs unlisted.
const Rule* listing_rule(const Policy& p, const LunAddress& lun) {
  for (auto it = p.rules.rbegin(); it != p.rules.rend(); ++it)
    if (it->instantiate == true && it->kind != MatchKind::kWwn && matches_target(*it, lun))
      return &*it;
  return nullptr;
}

}  // namespace

std::string_view transport_keyword(Transport t) {
  switch (t) {
    case Transport::kFc: return "fc";
    case Transport::kSas: return "sas";
    case Transport::kIscsi: return "iscsi";
    case Transport::kNone: return "";
  }
  return "";
}

LunIdentity lun_identity(const Properties& id_properties, const DeviceIdPage* page83) {
  LunIdentity id;
  if (auto* w = find_property(id_properties, "ID_WWN_WITH_EXTENSION")) id.wwn_with_extension = *w;
  if (!page83) return id;
  for (const auto& d : page83->designators) {
    if (d.association != kAssocLogicalUnit || d.code_set != kCodeSetBinary) continue;
    std::size_t n = d.value.size();
    if (d.type == kDesigNaa && (n == 8 || n == 16))
      id.designators.push_back("naa." + hex_string(d.value));
    else if (d.type == kDesigEui64 && (n == 8 || n == 12 || n == 16))
      id.designators.push_back("eui." + hex_string(d.value));
  }
  return id;
}

bool NumberSet::contains(uint64_t n) const {
  if (ranges.empty()) return true;
  for (const auto& [lo, hi] : ranges)
    if (n >= lo && n <= hi) return true;
  return false;
}

std::string Rule::where() const { return source + ":" + std::to_string(line); }

std::string PolicyError::format() const {
  return line ? source + ":" + std::to_string(line) + ": " + message : source + ": " + message;
}

PolicyFile parse_policy(std::string_view source, std::string_view text) {
  PolicyFile f;
  std::size_t number = 1;
  for (auto line : split(text, '\n')) parse_line(source, number++, line, f);
  return f;
}

PolicyFile parse_cmdline_policy(std::string_view cmdline) {
  PolicyFile f;
  std::size_t number = 0;
  for (const KernelParameter& p : split_kernel_cmdline(cmdline)) {
    if (!p.value || !parameter_name_equals(p.name, kPolicyCmdlineParameter)) continue;
    for (auto rule : split(*p.value, ';')) {
      if (trim(rule).empty()) continue;
      parse_line(kCmdlineSource, ++number, rule, f);
    }
  }
  return f;
}

bool is_policy_file_name(std::string_view name) {
  constexpr std::string_view kSuffix = ".conf";
  return name.size() > kSuffix.size() && name.front() != '.' &&
         name.substr(name.size() - kSuffix.size()) == kSuffix;
}

Policy build_policy(std::vector<PolicySource> files, std::string_view cmdline) {
  std::stable_sort(files.begin(), files.end(), [](const PolicySource& a, const PolicySource& b) {
    return base_name(a.path) < base_name(b.path);
  });
  Policy p;
  auto add = [&](const std::string& source, PolicyFile f) {
    if (!f.errors.empty()) {
      p.ignored.push_back(source);
      for (auto& e : f.errors) p.errors.push_back(std::move(e));
      return;
    }
    p.sources.push_back(source);
    for (auto& r : f.rules) p.rules.push_back(std::move(r));
  };
  for (const auto& file : files) add(file.path, parse_policy(file.path, file.text));
  PolicyFile cmd = parse_cmdline_policy(cmdline);
  if (!cmd.rules.empty() || !cmd.errors.empty()) add(std::string(kCmdlineSource), std::move(cmd));
  return p;
}

InstantiateDecision decide_instantiate(const Policy& policy, const LunAddress& lun) {
  InstantiateDecision d;
  const auto& rules = policy.rules;
  std::size_t first_later = 0;  // WWN rules from here on can override the address decision
  for (std::size_t i = rules.size(); i-- > 0;) {
    if (rules[i].instantiate && matches_address(rules[i], lun)) {
      d.instantiate = *rules[i].instantiate;
      d.rule = rules[i].where();
      d.reason = (d.instantiate ? "instantiate: rule " : "skip: rule ") + d.rule;
      first_later = i + 1;
      break;
    }
  }
  if (d.rule.empty()) {
    if (const Rule* listing = listing_rule(policy, lun)) {
      d.instantiate = false;
      d.rule = listing->where();
      d.unlisted = true;
      d.reason = "skip: not listed (rule " + d.rule + " lists LUNs of this target)";
    } else {
      d.reason = policy.empty() ? "instantiate: no policy" : "instantiate: no rule matches";
    }
  }
  const Rule* pending = nullptr;
  for (std::size_t i = first_later; i < rules.size(); ++i)
    if (rules[i].kind == MatchKind::kWwn && rules[i].instantiate &&
        *rules[i].instantiate != d.instantiate)
      pending = &rules[i];
  if (pending) {
    d.provisional = true;
    d.reason = d.instantiate ? d.reason + "; rule " + pending->where() +
                                   " may remove it once its WWN is known"
                             : "instantiate to read its WWN (rule " + pending->where() +
                                   " may keep it), else " + d.reason;
    d.instantiate = true;
    d.rule = pending->where();
  }
  return d;
}

DeviceVerdict decide_device(const Policy& policy, const LunAddress& lun, const LunIdentity& identity,
                            bool instantiated_to_identify) {
  DeviceVerdict v;
  const Rule* keep = nullptr;
  const Rule* attach = nullptr;
  const Rule* handler = nullptr;
  for (const auto& r : policy.rules) {
    if (!matches(r, lun, identity)) continue;
    if (r.instantiate) keep = &r;
    if (r.attach) attach = &r;
    if (r.says_handler()) handler = &r;
  }
  if (keep) {
    v.request.keep = *keep->instantiate;
    v.keep_rule = keep->where();
    v.request.keep_why = "rule " + v.keep_rule;
  } else if (const Rule* listing = listing_rule(policy, lun)) {
    // A listing decides what scsi-probe instantiates; a LUN that exists
    // anyway (the kernel added it, it was there before, or the scan needed
    // it to reach the target) is left as the kernel would have it.
    v.keep_rule = listing->where();
    if (instantiated_to_identify) {
      v.request.keep = false;
      v.request.keep_why = "not listed by rule " + v.keep_rule;
    } else {
      v.request.keep_why = "not listed by rule " + v.keep_rule + ", but it exists: kept (only skip removes)";
    }
  }
  if (attach) {
    v.request.attach = *attach->attach;
    v.attach_rule = attach->where();
    v.request.attach_why = "rule " + v.attach_rule;
  }
  if (handler) {
    if (!handler->handler_auto) v.request.handler = handler->handler;
    v.handler_rule = handler->where();
    v.request.handler_why = "rule " + v.handler_rule;
  }
  return v;
}

LunZeroAfterScan decide_lun0_after_scan(const Policy& policy, const LunAddress& lun0,
                                        bool created_by_scsi_probe) {
  InstantiateDecision d = decide_instantiate(policy, lun0);
  if (d.instantiate) return {false, "LUN 0 kept: " + d.reason};
  if (d.unlisted) return {false, "LUN 0 kept: not listed, but it exists (only skip removes)"};
  if (!created_by_scsi_probe) return {false, "LUN 0 kept despite " + d.reason + ": scsi-probe did not create it"};
  return {true, d.reason + ", after the scan it carried"};
}

UnreportedDecision decide_unreported(const Policy& policy, const LunAddress& lun) {
  for (auto it = policy.rules.rbegin(); it != policy.rules.rend(); ++it)
    if (it->remove_unreported && matches_address(*it, lun))
      return {*it->remove_unreported, it->where(),
              std::string(*it->remove_unreported ? "unreported=remove" : "unreported=keep") + " (rule " +
                  it->where() + ")"};
  return {false, {}, "unreported=keep (the default)"};
}

std::vector<std::string> matching_rules(const Policy& policy, const LunAddress& lun,
                                        const LunIdentity* identity) {
  std::vector<std::string> out;
  for (const auto& r : policy.rules) {
    bool hit = r.kind == MatchKind::kWwn ? identity && matches_wwn(r, *identity)
                                         : matches_address(r, lun);
    if (hit) out.push_back(r.where() + ": " + r.text);
  }
  return out;
}

}  // namespace scsi_probe
