#include "device_handoff.h"

#include <gtest/gtest.h>

#include "rules_file_text.h"

namespace scsi_probe {
namespace {

TEST(DeviceHandoff, OneFilePerKernelName) {
  EXPECT_EQ(handoff_path({2, 0, 15, 16640}), "/run/scsi-probe/devices/2:0:15:16640");
  EXPECT_EQ(handoff_path({0, 1, 2, 0}), "/run/scsi-probe/devices/0:1:2:0");
}

TEST(DeviceHandoff, TemporaryFileBesideTheFileUnderAnotherName) {
  const ScsiAddress a{2, 0, 15, 16640};
  const std::string tmpl = handoff_temp_template(handoff_path(a));
  EXPECT_EQ(tmpl, handoff_path(a) + ".XXXXXX");
  // mkstemp() fills the six X: never the kernel name the rules import.
  EXPECT_TRUE(tmpl.ends_with("XXXXXX"));
  EXPECT_EQ(tmpl.substr(0, tmpl.rfind('/')), std::string(kHandoffDir));
  EXPECT_FALSE(parse_scsi_address(tmpl.substr(tmpl.rfind('/') + 1)).has_value());
}

// The rules import the file on add and drop it on remove under the same name.
TEST(DeviceHandoff, RulesNameTheSameFile) {
  const std::string text = rules_file_text();
  ASSERT_FALSE(text.empty()) << RULES_FILE;
  const std::string file = std::string(kHandoffDir) + "/$kernel";
  EXPECT_NE(text.find("IMPORT{file}=\"" + file + "\""), std::string::npos);
  EXPECT_NE(text.find("TEST==\"" + file + "\""), std::string::npos);
  const std::string target_file = std::string(kTargetHandoffDir) + "/$kernel";
  EXPECT_NE(text.find("IMPORT{file}=\"" + target_file + "\""), std::string::npos);
  EXPECT_NE(text.find("TEST==\"" + target_file + "\""), std::string::npos);
}

TEST(TargetHandoff, OneFilePerTargetNamedAsUdevsKernelName) {
  EXPECT_EQ(target_handoff_path({2, 0, 15}), "/run/scsi-probe/targets/target2:0:15");
  EXPECT_TRUE(is_target_handoff_of_host("target2:0:15", 2));
  EXPECT_TRUE(is_target_handoff_of_host("target2:0:15.Ab12Cd", 2));
  EXPECT_FALSE(is_target_handoff_of_host("target21:0:15", 2));
  EXPECT_FALSE(is_target_handoff_of_host("2:0:15:0", 2));
  EXPECT_EQ(handoff_temp_template(target_handoff_path({2, 0, 15})), "/run/scsi-probe/targets/target2:0:15.XXXXXX");
}

TEST(TargetHandoff, TheKeysATargetRunPrints) {
  EXPECT_EQ(target_handoff_properties({0, 0, 3}, "scanned by a port run: nothing left to scan"),
            "SCSI_PROBE_TARGET=0:0:3\nSCSI_PROBE_REASON=scanned by a port run: nothing left to scan\n");
  // A reason is one udev value, cut as udev would read it.
  EXPECT_EQ(target_handoff_properties({0, 0, 3}, "a\nb"), "SCSI_PROBE_TARGET=0:0:3\nSCSI_PROBE_REASON=a\n");
}

}  // namespace
}  // namespace scsi_probe
