// Remote ports of transport classes that name their own targets: an FC
// remote port (fc_remote_ports), a SAS end device (sas_end_device) and an
// iSCSI session (iscsi_session). Under scsi_mod.scan=manual the kernel
// creates the port but never scans it (scsi_scan_target returns at once for
// the transport's SCSI_SCAN_INITIAL/RESCAN); the port's add event is when
// user space probes the one target behind it, through the transport's
// user_scan (the host's `scan` attribute), channel and ID given by the port.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace scsi_probe {

enum class PortTransport { kFc, kSas, kIscsi };

// The udev subsystem of a remote port's class device, or nullopt.
std::optional<PortTransport> port_transport(std::string_view subsystem);
std::string_view port_transport_name(PortTransport t);

// What sysfs says of one remote port (attribute values as read, trailing
// newline removed; empty when absent).
struct RemotePortFacts {
  PortTransport transport = PortTransport::kFc;
  std::string name;            // class device name: rport-H:C-N, end_device-H:..., sessionN
  std::string target_id;       // FC and SAS scsi_target_id, iSCSI target_id
  std::string roles;           // FC: "FCP Target, FCP Initiator", ...
  std::string state;           // FC port_state ("Online"), iSCSI state ("LOGGED_IN")
  bool has_devices = false;    // iSCSI: a SCSI device below the session
  // iSCSI: the event carries kIscsiSessionStateProperty, so this kernel
  // raises a change event on the session at each login (kernel/patches).
  bool login_reported = false;
};

// The property a patched scsi_transport_iscsi adds to each uevent of a
// session's class device: FREE, FAILED or LOGGED_IN.
inline constexpr const char* kIscsiSessionStateProperty = "ISCSI_SESSION_STATE";

struct PortTarget {
  bool probe = false;   // instantiate LUN 0 of (channel, id) now
  // An iSCSI session that exists but has not logged in yet: its add event
  // comes when iscsid creates it, before the login, and the login raises no
  // event of its own; a scan write before it scans nothing.
  bool await_login = false;
  unsigned channel = 0;
  unsigned id = 0;
  std::string reason;
};

// Which target, if any, the port stands for now: FC needs the FCP Target
// role, an Online port and a target ID (fc_remote_port_rolechg assigns one);
// SAS an end device with a target ID (-1: no SSP, STP or SATA); iSCSI a
// logged-in session. FC's channel is the one in the port's name, the others
// use channel 0 (their user_scan scans nothing else on 6.1). A session not
// logged in (FREE, or FAILED after a refused first try) that has no device
// yet is awaited (await_login), unless the kernel reports the login with an
// event of its own (login_reported); one with devices is in recovery and
// keeps them as they are.
PortTarget decide_port_target(const RemotePortFacts& f);

// The wait for an iSCSI login. One run polls the session's state for at
// most kLoginWaitPerRun; a session still logging in is handed to a later run
// by a change event on it, up to kLoginWaitRuns runs in all: iscsid's
// defaults allow a first login 8 tries of 15 s (node.session.
// initial_login_retry_max, node.conn[0].timeo.login_timeout), and then it
// removes the session. `runs` counts this run too.
inline constexpr std::chrono::seconds kLoginWaitPerRun{15};
inline constexpr unsigned kLoginWaitRuns = 10;
struct LoginWaitOutcome {
  bool continue_later = false;
  std::string reason;
};
LoginWaitOutcome after_login_wait(const std::string& session, unsigned runs);

}  // namespace scsi_probe
