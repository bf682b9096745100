#include "attach_outcome.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

AttachDecision bind_sd() {
  AttachDecision d;
  d.driver = UpperDriver::kSd;
  d.bind = BindAction::kBind;
  d.module = "sd_mod";
  d.reason = "type 0x00 (disk): sd";
  return d;
}

bool has(const Properties& p, std::string_view key) {
  const std::string* v = find_property(p, key);
  return v && !v->empty();
}

// As the device run does: the decision's keys first (attach_properties),
// then the outcome's over them; what udev reads of the result.
std::string printed(const AttachDecision& d, const AttachOutcome& o) {
  Properties p = attach_properties(d);
  for (const auto& q : o.properties) set_property(p, q.key, q.value);
  return format_udev_properties(p);
}

TEST(AttachOutcome, BoundAsDecidedKeepsAttach) {
  AttachEffects e;
  e.helper_binds = true;
  e.bound_driver_after = "sd";
  AttachOutcome o = attach_outcome(bind_sd(), e);
  EXPECT_TRUE(o.attached);
  EXPECT_TRUE(o.failure.empty());
  ASSERT_TRUE(has(o.properties, "SCSI_PROBE_ATTACH"));
  EXPECT_EQ(*find_property(o.properties, "SCSI_PROBE_ATTACH"), "sd");
  EXPECT_EQ(*find_property(o.properties, "SCSI_PROBE_REASON"), "type 0x00 (disk): sd");
}

TEST(AttachOutcome, FailedModuleLoadDropsAttachSoTheFallbackRuns) {
  AttachEffects e;
  e.helper_binds = true;
  e.module_error = "sd_mod: not found";
  e.bind_error = "/sys/bus/scsi/drivers/sd/bind: No such file or directory";
  AttachOutcome o = attach_outcome(bind_sd(), e);
  EXPECT_FALSE(o.attached);
  EXPECT_FALSE(has(o.properties, "SCSI_PROBE_ATTACH"));
  // Set over the decision's keys, the outcome withdraws the decided driver
  // (a guest run printed SCSI_PROBE_ATTACH=ch after "module ch: blacklisted",
  // and no fallback ran, while the outcome merely left the key out).
  const std::string out = printed(bind_sd(), o);
  EXPECT_EQ(out.find("SCSI_PROBE_ATTACH"), std::string::npos) << out;
  EXPECT_NE(out.find("SCSI_PROBE_HANDLER="), std::string::npos) << out;
  EXPECT_TRUE(has(o.properties, "SCSI_PROBE_HANDLER"));
  EXPECT_NE(o.failure.find("sd_mod: not found"), std::string::npos) << o.failure;
  EXPECT_NE(find_property(o.properties, "SCSI_PROBE_REASON")->find("left to the kernel's driver matching"),
            std::string::npos);
}

TEST(AttachOutcome, FailedBindDropsAttach) {
  AttachEffects e;
  e.helper_binds = true;
  e.bind_error = "/sys/bus/scsi/drivers/sd/bind: No such device";
  AttachOutcome o = attach_outcome(bind_sd(), e);
  EXPECT_FALSE(o.attached);
  EXPECT_FALSE(has(o.properties, "SCSI_PROBE_ATTACH"));
}

TEST(AttachOutcome, NoErrorButUnboundIsAFailure) {
  AttachEffects e;
  e.helper_binds = true;
  AttachOutcome o = attach_outcome(bind_sd(), e);
  EXPECT_FALSE(o.attached);
  EXPECT_FALSE(has(o.properties, "SCSI_PROBE_ATTACH"));
}

TEST(AttachOutcome, BoundToAnotherDriverIsAFailure) {
  AttachEffects e;
  e.helper_binds = true;
  e.bound_driver_after = "sr";
  AttachOutcome o = attach_outcome(bind_sd(), e);
  EXPECT_FALSE(o.attached);
  EXPECT_NE(o.failure.find("bound to sr"), std::string::npos) << o.failure;
}

TEST(AttachOutcome, BindErrorWhileAnotherRunBoundTheSameDriverIsAttached) {
  AttachEffects e;
  e.helper_binds = true;
  e.bind_error = "/sys/bus/scsi/drivers/sd/bind: Device or resource busy";
  e.bound_driver_after = "sd";
  AttachOutcome o = attach_outcome(bind_sd(), e);
  EXPECT_TRUE(o.attached);
  EXPECT_TRUE(has(o.properties, "SCSI_PROBE_ATTACH"));
}

TEST(AttachOutcome, KernelBindsWithAutoprobeOn) {
  // drivers_autoprobe 1: udev's kmod builtin loads the module and the kernel binds.
  AttachOutcome o = attach_outcome(bind_sd(), AttachEffects{});
  EXPECT_TRUE(o.attached);
  EXPECT_TRUE(has(o.properties, "SCSI_PROBE_ATTACH"));
}

TEST(AttachOutcome, OtherActionsKeepTheirKeys) {
  for (BindAction b : {BindAction::kNone, BindAction::kAlreadyBound, BindAction::kUnbind, BindAction::kRemove}) {
    AttachDecision d = bind_sd();
    d.bind = b;
    AttachEffects e;
    e.helper_binds = true;
    AttachOutcome o = attach_outcome(d, e);
    EXPECT_TRUE(o.attached) << bind_action_name(b);
    EXPECT_TRUE(has(o.properties, "SCSI_PROBE_ATTACH")) << bind_action_name(b);
  }
}

}  // namespace
}  // namespace scsi_probe
