// The attach decision for one device: upper-level driver, device handler
// (with the kernel's walk of its cached page 0x83), bind action and the
// SCSI_PROBE_* properties. Input: flags (u8: bit 0 sysfs `type` known,
// bit 1 page 0x83 cached, bit 2 dh_state present, bit 3 a driver bound,
// bit 4 policy keeps, bit 5 policy attaches, bit 6 policy names a handler),
// sysfs type (u8), kernel flags (u64), quirk flags (u64), handler (u8), then
// fields: INQUIRY data, page 0x83, dh_state, bound driver name.
#include <algorithm>

#include "attach_policy.h"
#include "fuzz_input.h"

using namespace scsi_probe;

namespace {

std::string kernel_name(std::span<const uint8_t> bytes) {
  std::string out;
  for (uint8_t b : bytes)
    if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '_') out += static_cast<char>(b);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  const uint8_t flags = in.u8();
  const uint8_t sysfs_type = in.u8();
  AttachInput a;
  a.kernel_flags = in.u64();
  a.quirk_flags = in.u64();
  const uint8_t handler = in.u8();
  a.inquiry = in.field();
  const auto pg83 = in.field();
  // The kernel writes these two: a handler name or "detached" and a newline,
  // a driver name; both of [a-z0-9_] (device data never reaches them).
  const std::string dh_state = kernel_name(in.field()) + "\n";
  const std::string bound = kernel_name(in.field());
  if (flags & 1) a.sysfs_type = sysfs_type & 0x1f;
  if (flags & 2) a.kernel_vpd_pg83 = pg83;
  if (flags & 4) a.dh_state = dh_state;
  if (flags & 8) a.bound_driver = bound;
  a.request.keep = flags & 16;
  a.request.attach = flags & 32;
  if (flags & 64) a.request.handler = static_cast<DeviceHandler>(handler % 5);

  // The kernel's page 0x83 walk stays inside the page.
  const TpgInfo tpg = kernel_tpg_info(a.kernel_vpd_pg83);
  FUZZ_CHECK(tpg.page_present == ((flags & 2) && !pg83.empty()));

  (void)parse_dh_state(dh_state);
  (void)upper_driver_by_name(bound);
  (void)device_handler_by_name(dh_state);

  const auto d = decide_attach(a);
  FUZZ_CHECK(d.has_value() == !a.inquiry.empty());
  if (!d) return 0;
  FUZZ_CHECK(!d->reason.empty());
  if (!a.request.keep) FUZZ_CHECK(d->bind == BindAction::kRemove);
  if (d->bind == BindAction::kBind) {
    FUZZ_CHECK(d->driver != UpperDriver::kNone && !d->module.empty());
    FUZZ_CHECK(d->module == upper_driver_module(d->driver));
    FUZZ_CHECK(!d->kernel.kernel_refuses_bind);
    FUZZ_CHECK(!(a.quirk_flags & kBlistNoUldAttach) && a.request.attach);
  }
  if (d->bind == BindAction::kUnbind) FUZZ_CHECK(d->unbind_from == bound);
  if (d->handler.action == HandlerAction::kAttach) {
    FUZZ_CHECK(d->handler.handler != DeviceHandler::kNone && !d->handler.module.empty());
    // alua only where the kernel's own alua_initialize would accept it.
    if (d->handler.handler == DeviceHandler::kAlua)
      FUZZ_CHECK(tpg.target_port_group.has_value());
  }
  if (!a.dh_state && d->bind != BindAction::kRemove)
    FUZZ_CHECK(d->handler.action == HandlerAction::kUnavailable);

  // One line per property, whatever the device's INQUIRY holds.
  const Properties props = attach_properties(*d);
  for (const auto& p : props) {
    FUZZ_CHECK(p.key.starts_with("SCSI_PROBE_"));
    fuzz::check_property(p, true);
  }
  fuzz::check_import(props);
  return 0;
}
