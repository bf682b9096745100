#include "scan_request.h"

#include <charconv>
#include <vector>

#include "text.h"

namespace scsi_probe {

namespace {

template <typename T>
Result<std::optional<T>> parse_field(std::string_view word, const char* name) {
  if (word == "-") return std::optional<T>{};
  T v{};
  auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec == std::errc::result_out_of_range)
    return Error{concat({name, " \"", word, "\" is out of range"})};
  if (ec != std::errc() || end != word.data() + word.size())
    return Error{concat({name, " \"", word, "\" is neither a decimal number nor \"-\""})};
  return std::optional<T>{v};
}

std::string field_text(const auto& v) { return v ? std::to_string(*v) : "-"; }

// What asked for it, as far as the host's class tells.
std::string origin(HostClass c, bool target) {
  if (target) {
    switch (c) {
      case HostClass::kVirtioScsi: return "virtio_scsi hot-add";
      case HostClass::kFc: return "FC remote port";
      case HostClass::kSas: return "SAS end device";
      default: return concat({host_class_name(c), " host's scsi_scan_target"});
    }
  }
  return concat({host_class_name(c), " host's scsi_scan_host"});
}

}  // namespace

Result<ScanRequest> parse_scan_request(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  const std::vector<std::string_view> words = split_words(text, " \t");
  if (words.size() != 3)
    return Error{concat({"\"", text, "\" has ", std::to_string(words.size()),
                         " field(s), not 3 (channel, target ID, LUN)"})};
  auto channel = parse_field<unsigned>(words[0], "channel");
  if (!channel) return channel.error();
  auto id = parse_field<unsigned>(words[1], "target ID");
  if (!id) return id.error();
  auto lun = parse_field<uint64_t>(words[2], "LUN");
  if (!lun) return lun.error();
  return ScanRequest{*channel, *id, *lun};
}

std::string format_scan_request(const ScanRequest& r) {
  return concat({field_text(r.channel), " ", field_text(r.id), " ", field_text(r.lun)});
}

HostRunPlan plan_host_run(const HostEventFacts& f) {
  HostRunPlan p;
  if (!f.request) return p;
  Result<ScanRequest> r = parse_scan_request(*f.request);
  if (!r) {
    p.ignored = concat({kScanRequestProperty, "=", *f.request, " ignored: ", r.error().message,
                        "; the host is scanned as on any change event"});
    return p;
  }
  const bool names_target = r->channel && r->id;
  const std::string what = names_target
                               ? concat({"scan of ", std::to_string(*r->channel), ":", std::to_string(*r->id)})
                               : std::string("scan of the host");
  const std::string asked = concat({what, " requested by the kernel (", origin(f.host_class, names_target),
                                    " under scsi_mod.scan=", scan_mode_name(f.mode), ", ", kScanRequestProperty, "=",
                                    format_scan_request(*r), "): "});
  if (names_target) {
    p.scope = f.walked ? HostRunScope::kTarget : HostRunScope::kHostRescan;
    p.target = {f.host, *r->channel, *r->id};
    p.reason = asked + (f.walked ? "that target only"
                                 : concat({"the host's own scan, as on any change event (a ",
                                           host_class_name(f.host_class), " host is not walked)"}));
    return p;
  }
  const RescanGate g = decide_rescan(f.seqnum, f.last_walk);
  p.scope = g.rescan ? HostRunScope::kHostRescan : HostRunScope::kAnswered;
  p.reason = concat({asked, g.rescan ? "rescanned as on any change event" : "not walked again", " (", g.reason, ")"});
  return p;
}

}  // namespace scsi_probe
