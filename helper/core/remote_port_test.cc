#include "remote_port.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

RemotePortFacts fc(std::string name, std::string id, std::string roles, std::string state) {
  return {PortTransport::kFc, std::move(name), std::move(id), std::move(roles), std::move(state)};
}

TEST(PortTransport, Subsystems) {
  EXPECT_EQ(port_transport("fc_remote_ports"), PortTransport::kFc);
  EXPECT_EQ(port_transport("sas_end_device"), PortTransport::kSas);
  EXPECT_EQ(port_transport("iscsi_session"), PortTransport::kIscsi);
  EXPECT_FALSE(port_transport("sas_device"));
  EXPECT_FALSE(port_transport("scsi"));
  EXPECT_FALSE(port_transport(""));
}

TEST(DecidePortTarget, FcTargetOnline) {
  const PortTarget t = decide_port_target(fc("rport-5:1-3", "7", "FCP Target", "Online"));
  EXPECT_TRUE(t.probe);
  EXPECT_EQ(t.channel, 1u);
  EXPECT_EQ(t.id, 7u);
  EXPECT_EQ(t.reason, "FC remote port rport-5:1-3: target 1:7");
}

TEST(DecidePortTarget, FcInitiatorOnly) {
  const PortTarget t = decide_port_target(fc("rport-5:0-0", "-1", "FCP Initiator", "Online"));
  EXPECT_FALSE(t.probe);
  EXPECT_EQ(t.reason, "FC remote port rport-5:0-0: roles \"FCP Initiator\" without FCP Target: no SCSI target");
}

TEST(DecidePortTarget, FcBothRoles) {
  EXPECT_TRUE(decide_port_target(fc("rport-0:0-12", "0", "FCP Initiator, FCP Target", "Online")).probe);
}

// qla2xxx adds its ports with unknown roles and sets them later.
TEST(DecidePortTarget, FcRolesUnknownYet) {
  EXPECT_FALSE(decide_port_target(fc("rport-2:0-1", "-1", "unknown", "Online")).probe);
}

TEST(DecidePortTarget, FcNotOnline) {
  for (const char* s : {"Blocked", "Not Present", "Marginal", "Deleted", ""}) {
    const PortTarget t = decide_port_target(fc("rport-2:0-1", "0", "FCP Target", s));
    EXPECT_FALSE(t.probe) << s;
  }
}

TEST(DecidePortTarget, FcBadNames) {
  for (const char* n : {"rport-", "rport-2", "rport-2:0", "rport-x:0-1", "rport-2:y-1", "rport-2:0-",
                        "port-2:0-1", "rport-2:-1", "rport-2:0-1-"}) {
    EXPECT_FALSE(decide_port_target(fc(n, "0", "FCP Target", "Online")).probe) << n;
  }
}

TEST(DecidePortTarget, SasEndDevice) {
  const PortTarget t = decide_port_target({PortTransport::kSas, "end_device-0:1", "3", "", ""});
  EXPECT_TRUE(t.probe);
  EXPECT_EQ(t.channel, 0u);
  EXPECT_EQ(t.id, 3u);
  EXPECT_EQ(t.reason, "SAS end device end_device-0:1: target 0:3");
}

// No SSP, STP or SATA: the transport gives the device no target ID.
TEST(DecidePortTarget, SasNoTargetId) {
  const PortTarget t = decide_port_target({PortTransport::kSas, "end_device-0:1", "-1", "", ""});
  EXPECT_FALSE(t.probe);
  EXPECT_EQ(t.reason, "SAS end device end_device-0:1: target ID \"-1\": no SCSI target");
  EXPECT_FALSE(decide_port_target({PortTransport::kSas, "end_device-0:1", "", "", ""}).probe);
  EXPECT_FALSE(decide_port_target({PortTransport::kSas, "end_device-0:1", "3x", "", ""}).probe);
}

TEST(DecidePortTarget, IscsiSession) {
  EXPECT_TRUE(decide_port_target({PortTransport::kIscsi, "session1", "0", "", "LOGGED_IN"}).probe);
  const PortTarget t = decide_port_target({PortTransport::kIscsi, "session1", "0", "", "FAILED", true});
  EXPECT_FALSE(t.probe);
  EXPECT_EQ(t.reason, "iSCSI session session1: session state FAILED, not LOGGED_IN: in recovery, "
                      "its LUNs stay as they are");
  EXPECT_FALSE(t.await_login);
}

TEST(DecidePortTarget, IscsiSessionBeforeLoginIsAwaited) {
  const PortTarget t = decide_port_target({PortTransport::kIscsi, "session3", "2", "", "FREE"});
  EXPECT_FALSE(t.probe);
  EXPECT_TRUE(t.await_login);
  EXPECT_EQ(t.reason, "iSCSI session session3: not logged in yet (state FREE)");
  // A first login the target refused leaves the session FAILED, still without devices.
  EXPECT_TRUE(decide_port_target({PortTransport::kIscsi, "session3", "2", "", "FAILED"}).await_login);
  // Only iSCSI has a login to wait for.
  EXPECT_FALSE(decide_port_target(fc("rport-2:0-1", "0", "FCP Target", "Blocked")).await_login);
}

// A patched scsi_transport_iscsi says in the add event that the login will
// raise an event of its own: nothing to poll for.
TEST(DecidePortTarget, IscsiLoginReportedByTheKernelIsNotPolledFor) {
  RemotePortFacts f{PortTransport::kIscsi, "session3", "2", "", "FREE"};
  f.login_reported = true;
  const PortTarget t = decide_port_target(f);
  EXPECT_FALSE(t.probe);
  EXPECT_FALSE(t.await_login);
  EXPECT_EQ(t.reason, "iSCSI session session3: not logged in yet (state FREE); the kernel reports the "
                      "login with a change event (ISCSI_SESSION_STATE), answered then");
  f.state = "LOGGED_IN";
  EXPECT_TRUE(decide_port_target(f).probe);
  // In recovery its LUNs stay, reported or not.
  f.state = "FAILED";
  f.has_devices = true;
  EXPECT_EQ(decide_port_target(f).reason,
            "iSCSI session session3: session state FAILED, not LOGGED_IN: in recovery, its LUNs stay as they are");
}

TEST(AfterLoginWait, ContinuesUntilIscsidWouldHaveGivenUp) {
  for (unsigned runs = 1; runs < kLoginWaitRuns; ++runs) {
    const LoginWaitOutcome o = after_login_wait("session1", runs);
    EXPECT_TRUE(o.continue_later) << runs;
  }
  EXPECT_EQ(after_login_wait("session1", 2).reason,
            "iSCSI session session1: not logged in after 30 s; waiting on in a later run");
  const LoginWaitOutcome last = after_login_wait("session1", kLoginWaitRuns);
  EXPECT_FALSE(last.continue_later);
  EXPECT_EQ(last.reason, "iSCSI session session1: not logged in after 150 s; no scan: "
                         "`scsi-probe rescan` or a change event on the session scans it");
  // iscsid's own first login gives up after 8 tries of 15 s.
  EXPECT_GT(kLoginWaitRuns * kLoginWaitPerRun.count(), 8 * 15);
}

}  // namespace
}  // namespace scsi_probe
