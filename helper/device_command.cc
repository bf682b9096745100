// `scsi-probe device`: identification of one scsi_device.
#include <cerrno>
#include <cstring>
#include <ostream>

#include "commands.h"
#include "device_data.h"
#include "identify.h"
#include "inquiry.h"
#include "quirk_lookup.h"
#include "scsi_channel.h"
#include "sysfs.h"

namespace scsi_probe {

namespace {

DeviceData read_device_data(udev_device* dev) {
  DeviceData d;
  if (auto inq = read_binary_attribute(dev, "inquiry")) d.inquiry = std::move(*inq);
  for (int p = 0; p < 256; ++p) {
    auto code = static_cast<uint8_t>(p);
    if (!kernel_caches_vpd_page(code)) continue;
    if (auto page = read_binary_attribute(dev, vpd_attribute_name(code)); page && !page->empty())
      d.vpd[code] = std::move(*page);
  }
  d.scsi_level = static_cast<int>(read_int_attribute(dev, "scsi_level").value_or(-1));
  return d;
}

}  // namespace

int run_device(const Invocation& inv, std::ostream& out, std::ostream& err) {
  UdevPtr u(udev_new());
  if (!u) {
    err << "scsi-probe device: cannot use libudev: " << std::strerror(errno) << "\n";
    return kExitInternal;
  }
  std::string error;
  UdevDevicePtr dev = find_scsi_object(u.get(), inv.object, ScsiObjectKind::kDevice, error);
  if (!dev) {
    err << "scsi-probe device: " << error << "\n";
    return kExitNoDevice;
  }
  std::string name = udev_device_get_sysname(dev.get());
  DeviceData d = read_device_data(dev.get());
  VpdFetch plan = plan_vpd_fetches(d, identification_pages());
  std::vector<std::string> warnings;

  std::unique_ptr<ScsiChannel> channel;
  auto open_channel = [&]() -> ScsiChannel* {
    if (channel) return channel.get();
    auto node = generic_node(u.get(), dev.get());
    if (!node) node = upper_node(u.get(), dev.get());
    if (!node) {
      warnings.push_back("no sg or upper-level node to send commands through");
      return nullptr;
    }
    std::string open_error;
    channel = ScsiChannel::open(*node, open_error);
    if (!channel) warnings.push_back(open_error);
    return channel.get();
  };

  if (d.inquiry.empty()) {
    if (auto* ch = open_channel()) {
      CommandResult r = ch->inquiry();
      if (r.ok())
        d.inquiry = std::move(r.data);
      else
        warnings.push_back("INQUIRY: " + r.error);
    }
  }
  if (d.inquiry.empty()) {
    err << "scsi-probe device " << name << ": no INQUIRY data (kernel attribute missing";
    for (const auto& w : warnings) err << "; " << w;
    err << ")\n";
    return kExitNoData;
  }
  for (uint8_t page : plan.pages) {
    auto* ch = open_channel();
    if (!ch) break;
    CommandResult r = ch->vpd_page(page);
    if (r.ok() && !r.data.empty())
      d.vpd[page] = std::move(r.data);
    else
      warnings.push_back("VPD page " + vpd_attribute_name(page).substr(6) + ": " + r.error);
  }

  Identity id = identify_device(d);
  for (auto& w : id.warnings) warnings.push_back(std::move(w));
  if (auto inq = parse_standard_inquiry(d.inquiry)) {
    QuirkDecision q = lookup_quirks(u.get(), inq->vendor, inq->model, inq->revision, dev.get());
    set_property(id.properties, "SCSI_PROBE_QUIRKS", format_blist_flags(q.flags));
    set_property(id.properties, "SCSI_PROBE_QUIRKS_SOURCE", quirk_source_name(q.source));
    for (auto& n : q.notes) warnings.push_back(std::move(n));
  }
  int commands = channel ? channel->commands_sent() : 0;
  set_property(id.properties, "SCSI_PROBE_COMMANDS", std::to_string(commands));
  std::string warning_text;
  for (const auto& w : warnings) warning_text += (warning_text.empty() ? "" : "; ") + w;
  if (!warning_text.empty()) set_property(id.properties, "SCSI_PROBE_WARNING", warning_text);
  out << format_udev_properties(id.properties);

  const std::string* serial = find_property(id.properties, "ID_SERIAL");
  err << "scsi-probe device " << name << ": " << (serial ? *serial : "(no ID_SERIAL)")
      << ", " << commands << " SCSI command(s), VPD: " << plan.reason;
  if (!warning_text.empty()) err << "; " << warning_text;
  err << "\n";
  return kExitOk;
}

}  // namespace scsi_probe
