#include "device_gather.h"

#include <memory>

#include "device_use_facts.h"
#include "identify.h"
#include "policy_files.h"
#include "quirk_lookup.h"
#include "scsi_channel.h"

namespace scsi_probe {

SysfsAttachFacts read_sysfs_attach_facts(udev_device* dev) {
  SysfsAttachFacts f;
  f.type = read_int_attribute(dev, "type");
  f.blacklist = read_text_attribute(dev, "blacklist");
  if (auto p = read_binary_attribute(dev, "vpd_pg83"); p && !p->empty()) f.vpd_pg83 = std::move(*p);
  f.dh_state = read_text_attribute(dev, "dh_state");
  if (const char* d = udev_device_get_driver(dev)) f.bound_driver = d;
  return f;
}

bool has_scsi_probe_record(udev_device* dev) { return !udev_property(dev, "SCSI_PROBE_COMMANDS").empty(); }

Properties database_identity(udev_device* dev) {
  Properties p;
  udev_list_entry* e = nullptr;
  udev_list_entry_foreach(e, udev_device_get_properties_list_entry(dev)) {
    std::string_view key = udev_list_entry_get_name(e);
    if ((key.starts_with("ID_") || key.starts_with("SCSI_")) && !key.starts_with("SCSI_PROBE_"))
      set_property(p, key, udev_list_entry_get_value(e) ? udev_list_entry_get_value(e) : "");
  }
  return p;
}

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

// The SCSI commands of one gathering, on the device's first node that opens
// (opened when first needed; each failed attempt is a warning).
class DeviceCommands {
 public:
  DeviceCommands(udev* u, udev_device* dev, DeviceFacts& f) : u_(u), dev_(dev), f_(f) {}

  // The device's own bytes, which the kernel's copy lacks
  // (choose_inquiry_source); its copy stands in when the device cannot be asked.
  void inquiry() {
    ScsiChannel* ch = open();
    if (!ch) return;
    CommandResult r = ch->inquiry(36);
    if (r.ok() && usable_inquiry(r.data)) {
      f_.data.inquiry = std::move(r.data);
      f_.inquiry_source = InquirySource::kDevice;
    } else {
      f_.warnings.push_back("INQUIRY: " + (r.ok() ? std::string("answer too short") : r.error) +
                            ": using the kernel's sanitized copy");
    }
  }

  // A page the device rejects is kept as an empty answer; one that could
  // not be read at all stays unknown.
  void vpd_page(uint8_t page) {
    ScsiChannel* ch = open();
    if (!ch) return;
    CommandResult r = ch->vpd_page(page);
    VpdRead outcome = classify_vpd_read(r.ok(), !r.data.empty(), r.category);
    if (outcome == VpdRead::kUnreadable)
      f_.warnings.push_back("VPD page " + vpd_attribute_name(page).substr(6) + ": " + r.error);
    record_vpd_read(f_.data, page, outcome, std::move(r.data));
  }

  // A pending unit attention (power-on, reset) collected before commands
  // the device is likely to refuse: see gather_identification_data.
  void collect_unit_attentions() {
    if (ScsiChannel* ch = open()) ch->collect_unit_attentions();
  }

  int sent() const { return channel_ ? channel_->commands_sent() : 0; }

 private:
  ScsiChannel* open() {
    if (channel_) return channel_.get();
    auto ch = ScsiChannel::open_first(CommandNodes(u_, dev_));
    if (!ch) {
      f_.warnings.push_back(ch.error().message);
      return nullptr;
    }
    channel_ = std::move(*ch);
    return channel_.get();
  }

  udev* u_;
  udev_device* dev_;
  DeviceFacts& f_;
  std::unique_ptr<ScsiChannel> channel_;
};

// The INQUIRY data and VPD pages: the kernel's cache, then SG_IO for what
// identification lacks (unless `known`).
void gather_identification_data(udev* u, udev_device* dev, const Properties* known, DeviceFacts& f) {
  f.data = read_device_data(dev);
  f.kernel_inquiry = f.data.inquiry;
  std::optional<std::vector<uint8_t>> raw = read_binary_attribute(dev, "inquiry_raw");
  const InquirySource source = choose_inquiry_source(raw, known == nullptr);
  if (source == InquirySource::kKernelRawCopy) {
    f.data.inquiry = std::move(*raw);
    f.inquiry_source = source;
  }
  if (known) {
    f.known = *known;
    f.vpd_plan = "identification from the udev database, no command sent";
    return;
  }
  VpdFetch plan = plan_vpd_fetches(f.data, identification_pages());
  f.vpd_plan = plan.reason;
  DeviceCommands commands(u, dev, f);
  if (source == InquirySource::kDevice) commands.inquiry();
  if (!f.data.inquiry.empty()) {
    for (uint8_t page : plan.pages) commands.vpd_page(page);
    // scsi_id also reads pages that page 0 does not list (0x80 with 0x83).
    // On a device the kernel read VPD from, ask those too; a device the
    // kernel spared (no page 0) gets nothing, its ID_SERIAL is left to scsi_id.
    // Such a page is likely refused (CHECK CONDITION). An HBA without
    // autosense then sends its own REQUEST SENSE, which a unit attention
    // still pending since power-on answers instead, and the driver resets
    // the target (sym53c8xx on QEMU's lsi53c895a: BUS DEVICE RESET). In
    // the kernel's order sd's probe has collected that unit attention with
    // TEST UNIT READY before scsi_id asks: so collect it first here too.
    if (f.data.page(0x00)) {
      const std::vector<uint8_t> unlisted = identify_device(f.data).missing_pages;
      if (!unlisted.empty()) commands.collect_unit_attentions();
      for (uint8_t page : unlisted) commands.vpd_page(page);
    }
  }
  f.commands = commands.sent();
}

}  // namespace

DeviceFacts gather_device_facts(udev* u, udev_device* dev, const std::string& action, bool created_here,
                                const Properties* known) {
  DeviceFacts f;
  f.name = udev_device_get_sysname(dev);
  f.address = parse_scsi_address(f.name);
  f.action = action;
  f.created_here = created_here;
  gather_identification_data(u, dev, known, f);
  if (f.data.inquiry.empty()) return f;
  if (auto inq = parse_standard_inquiry(f.data.inquiry))
    f.quirks = lookup_quirks(u, inq->vendor, inq->model, inq->revision, dev);
  if (f.address) {
    const std::string_view syspath = udev_device_get_syspath(dev);
    f.target = target_identity_at(syspath.substr(0, syspath.rfind('/')));  // the target's folder
  }
  f.sysfs = read_sysfs_attach_facts(dev);
  return f;
}

DeviceDecision decide_with_use(udev* u, udev_device* dev, DeviceFacts& facts, const Policy& policy) {
  DeviceDecision d = decide_device_run(facts, policy);
  if (!d.needs_use) return d;
  facts.use = device_use(u, dev);
  return decide_device_run(facts, policy);
}

}  // namespace scsi_probe
