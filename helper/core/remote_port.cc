#include "remote_port.h"

#include <charconv>

namespace scsi_probe {

namespace {

std::optional<unsigned> parse_unsigned(std::string_view s) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "rport-H:C-N" -> C.
std::optional<unsigned> fc_port_channel(std::string_view name) {
  constexpr std::string_view kPrefix = "rport-";
  if (!name.starts_with(kPrefix)) return std::nullopt;
  name.remove_prefix(kPrefix.size());
  auto colon = name.find(':');
  auto dash = name.find('-', colon == std::string_view::npos ? 0 : colon);
  if (colon == std::string_view::npos || dash == std::string_view::npos) return std::nullopt;
  if (!parse_unsigned(name.substr(0, colon)) || !parse_unsigned(name.substr(dash + 1)))
    return std::nullopt;
  return parse_unsigned(name.substr(colon + 1, dash - colon - 1));
}

PortTarget skip(std::string reason) { return {.reason = std::move(reason)}; }

}  // namespace

std::optional<PortTransport> port_transport(std::string_view subsystem) {
  if (subsystem == "fc_remote_ports") return PortTransport::kFc;
  if (subsystem == "sas_end_device") return PortTransport::kSas;
  if (subsystem == "iscsi_session") return PortTransport::kIscsi;
  return std::nullopt;
}

std::string_view port_transport_name(PortTransport t) {
  switch (t) {
    case PortTransport::kFc: return "FC remote port";
    case PortTransport::kSas: return "SAS end device";
    case PortTransport::kIscsi: return "iSCSI session";
  }
  return "remote port";
}

PortTarget decide_port_target(const RemotePortFacts& f) {
  const std::string what = std::string(port_transport_name(f.transport)) + " " + f.name;
  unsigned channel = 0;
  switch (f.transport) {
    case PortTransport::kFc: {
      if (f.roles.find("FCP Target") == std::string::npos)
        return skip(what + ": roles \"" + f.roles + "\" without FCP Target: no SCSI target");
      if (f.state != "Online") return skip(what + ": port state " + f.state + ", not Online");
      auto c = fc_port_channel(f.name);
      if (!c) return skip(what + ": unexpected port name");
      channel = *c;
      break;
    }
    case PortTransport::kSas:
      break;
    case PortTransport::kIscsi:
      if (f.state != "LOGGED_IN") {
        if (f.has_devices)
          return skip(what + ": session state " + f.state + ", not LOGGED_IN: in recovery, its LUNs stay as they are");
        if (f.login_reported)
          return skip(what + ": not logged in yet (state " + f.state +
                      "); the kernel reports the login with a change event (" + kIscsiSessionStateProperty +
                      "), answered then");
        PortTarget t = skip(what + ": not logged in yet (state " + f.state + ")");
        t.await_login = true;
        return t;
      }
      break;
  }
  auto id = parse_unsigned(f.target_id);
  if (!id) return skip(what + ": target ID \"" + f.target_id + "\": no SCSI target");
  return {.probe = true, .channel = channel, .id = *id,
          .reason = what + ": target " + std::to_string(channel) + ":" + std::to_string(*id)};
}

LoginWaitOutcome after_login_wait(const std::string& session, unsigned runs) {
  const auto waited = std::to_string(runs * kLoginWaitPerRun.count());
  if (runs < kLoginWaitRuns)
    return {true, "iSCSI session " + session + ": not logged in after " + waited +
                      " s; waiting on in a later run"};
  return {false, "iSCSI session " + session + ": not logged in after " + waited +
                     " s; no scan: `scsi-probe rescan` or a change event on the session scans it"};
}

}  // namespace scsi_probe
