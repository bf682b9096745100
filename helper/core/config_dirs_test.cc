#include "config_dirs.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

using Paths = std::vector<std::string>;

TEST(ConfigDirs, EtcOverridesRunOverridesUsrLib) {
  ConfigChoice c = choose_config_files({
      {"/usr/lib/scsi-probe.d", "50-san.conf", false},
      {"/etc/scsi-probe.d", "50-san.conf", false},
      {"/run/scsi-probe.d", "50-san.conf", false},
      {"/usr/lib/scsi-probe.d", "10-vendor.conf", false},
      {"/run/scsi-probe.d", "90-local.conf", false},
      {"/usr/local/lib/scsi-probe.d", "20-site.conf", false},
  });
  EXPECT_EQ(c.in_force, (Paths{"/usr/lib/scsi-probe.d/10-vendor.conf", "/usr/local/lib/scsi-probe.d/20-site.conf",
                               "/etc/scsi-probe.d/50-san.conf", "/run/scsi-probe.d/90-local.conf"}));
  EXPECT_EQ(c.overridden, (Paths{"/run/scsi-probe.d/50-san.conf", "/usr/lib/scsi-probe.d/50-san.conf"}));
  EXPECT_TRUE(c.masked.empty());
}

TEST(ConfigDirs, DevNullOrEmptyMasksTheNameInEveryFolder) {
  ConfigChoice c = choose_config_files({
      {"/usr/lib/scsi-probe.d", "50-san.conf", false},
      {"/etc/scsi-probe.d", "50-san.conf", true},
      {"/run/scsi-probe.d", "60-x.conf", true},
      {"/etc/scsi-probe.d", "60-x.conf", false},  // /etc outranks the mask in /run
  });
  EXPECT_EQ(c.in_force, (Paths{"/etc/scsi-probe.d/60-x.conf"}));
  EXPECT_EQ(c.masked, (Paths{"50-san.conf"}));
  EXPECT_EQ(c.overridden, (Paths{"/run/scsi-probe.d/60-x.conf", "/usr/lib/scsi-probe.d/50-san.conf"}));
}

TEST(ConfigDirs, NameOrderNotFolderOrderAndUnknownFoldersIgnored) {
  ConfigChoice c = choose_config_files({
      {"/etc/scsi-probe.d", "b.conf", false},
      {"/usr/lib/scsi-probe.d", "a.conf", false},
      {"/tmp/scsi-probe.d", "0.conf", false},
  });
  EXPECT_EQ(c.in_force, (Paths{"/usr/lib/scsi-probe.d/a.conf", "/etc/scsi-probe.d/b.conf"}));
  EXPECT_TRUE(choose_config_files({}).in_force.empty());
}

}  // namespace
}  // namespace scsi_probe
