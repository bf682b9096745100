#include "drivers_autoprobe.h"

#include <gtest/gtest.h>

namespace scsi_probe {
namespace {

TEST(DriversAutoprobe, OffOnlyUnderManual) {
  EXPECT_EQ(drivers_autoprobe_for(ScanMode::kManual).on, false);
  EXPECT_EQ(drivers_autoprobe_for(ScanMode::kAsync).on, true);
  EXPECT_EQ(drivers_autoprobe_for(ScanMode::kSync).on, true);
  EXPECT_EQ(drivers_autoprobe_for(ScanMode::kNone).on, std::nullopt);
  // The kernel reads scsi_mod.scan by prefix; anything else is async.
  EXPECT_EQ(drivers_autoprobe_for(parse_scan_mode("manual\n")).on, false);
  EXPECT_EQ(drivers_autoprobe_for(parse_scan_mode("bogus")).on, true);
  for (ScanMode m : {ScanMode::kManual, ScanMode::kAsync, ScanMode::kSync, ScanMode::kNone})
    EXPECT_FALSE(drivers_autoprobe_for(m).reason.empty());
}

TEST(DriversAutoprobe, AttributeText) {
  EXPECT_EQ(autoprobe_text(false), "0");
  EXPECT_EQ(autoprobe_text(true), "1");
}

TEST(DriversAutoprobe, TheBusByDevpathSyspathOrName) {
  for (const char* o : {"/bus/scsi", "/sys/bus/scsi", "/sys/bus/scsi/", "scsi"}) EXPECT_TRUE(names_scsi_bus(o)) << o;
  for (const char* o : {"", "/", "/bus/usb", "/bus/scsi/devices", "/sys/class/scsi_host", "host0", "scsi0",
                        "/devices/pci0000:00/0000:00:02.0/host0"})
    EXPECT_FALSE(names_scsi_bus(o)) << o;
}

}  // namespace
}  // namespace scsi_probe
