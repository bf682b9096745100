#include "sysfs_attach.h"

#include "quirks.h"

namespace scsi_probe {

SysfsAttachFacts SysfsAttachFacts::read(udev_device* dev) {
  SysfsAttachFacts f;
  f.type = read_int_attribute(dev, "type");
  f.blacklist = read_text_attribute(dev, "blacklist");
  if (auto p = read_binary_attribute(dev, "vpd_pg83"); p && !p->empty()) f.vpd_pg83 = std::move(*p);
  f.dh_state = read_text_attribute(dev, "dh_state");
  if (const char* d = udev_device_get_driver(dev)) f.bound_driver = d;
  return f;
}

AttachInput SysfsAttachFacts::input(std::span<const uint8_t> kernel_inquiry, BlistFlags quirk_flags,
                                    const AttachRequest& request) const {
  AttachInput ai;
  ai.inquiry = kernel_inquiry;
  if (type) ai.sysfs_type = static_cast<uint8_t>(*type);
  if (blacklist) ai.kernel_flags = parse_sysfs_blacklist(*blacklist).flags;
  ai.quirk_flags = quirk_flags;
  if (vpd_pg83) ai.kernel_vpd_pg83 = std::span<const uint8_t>(*vpd_pg83);
  if (dh_state) ai.dh_state = *dh_state;
  if (bound_driver) ai.bound_driver = *bound_driver;
  ai.request = request;
  return ai;
}

std::string udev_property(udev_device* dev, const char* key) {
  const char* v = udev_device_get_property_value(dev, key);
  return v ? v : "";
}

}  // namespace scsi_probe
