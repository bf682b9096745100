#include "attach_policy.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <iterator>
#include <vector>

namespace scsi_probe {
namespace {

const std::string kSgInq = std::string(FIXTURE_DIR) + "/sg_inq";

std::vector<uint8_t> read_fixture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// 36 bytes of standard INQUIRY data.
std::vector<uint8_t> inquiry(uint8_t type, std::string vendor = "ACME", std::string model = "Thing",
                             uint8_t tpgs = 0, uint8_t qualifier = 0) {
  std::vector<uint8_t> d(36, ' ');
  d[0] = static_cast<uint8_t>((qualifier << 5) | type);
  d[1] = 0;
  d[2] = 6;
  d[3] = 2;
  d[4] = 31;
  d[5] = static_cast<uint8_t>(tpgs << 4);
  d[6] = d[7] = 0;
  vendor.resize(8, ' ');
  model.resize(16, ' ');
  std::copy(vendor.begin(), vendor.end(), d.begin() + 8);
  std::copy(model.begin(), model.end(), d.begin() + 16);
  return d;
}

// Page 0x83 with the given designators (type, association, value bytes).
struct Desig {
  uint8_t type;
  uint8_t association;
  std::vector<uint8_t> value;
};
std::vector<uint8_t> page83(const std::vector<Desig>& ds) {
  std::vector<uint8_t> p = {0, 0x83, 0, 0};
  for (const auto& d : ds) {
    p.push_back(0x01);
    p.push_back(static_cast<uint8_t>((d.association << 4) | d.type));
    p.push_back(0);
    p.push_back(static_cast<uint8_t>(d.value.size()));
    p.insert(p.end(), d.value.begin(), d.value.end());
  }
  p[3] = static_cast<uint8_t>(p.size() - 4);
  return p;
}
const Desig kNaa = {3, 0, {0x60, 0x01, 0x40, 0x5a, 0xbc, 0xde, 0xf0, 0x12,
                           0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12}};
const Desig kRelPort = {4, 1, {0, 0, 0, 7}};
const Desig kTpg = {5, 1, {0, 0, 0x12, 0x34}};

// --- upper-level drivers ---------------------------------------------------

TEST(AttachPolicy, DriverForEveryType) {
  for (int t = 0; t < 32; ++t) {
    UpperDriver want = UpperDriver::kNone;
    if (t == 0x00 || t == 0x07 || t == 0x0e || t == 0x14) want = UpperDriver::kSd;
    if (t == 0x04 || t == 0x05) want = UpperDriver::kSr;
    if (t == 0x01) want = UpperDriver::kSt;
    if (t == 0x08) want = UpperDriver::kCh;
    if (t == 0x0d) want = UpperDriver::kSes;
    EXPECT_EQ(driver_for_type(static_cast<uint8_t>(t)), want) << t;
  }
}

TEST(AttachPolicy, DriverNamesAndModules) {
  struct Row {
    UpperDriver d;
    std::string_view name, module;
  } rows[] = {{UpperDriver::kSd, "sd", "sd_mod"}, {UpperDriver::kSr, "sr", "sr_mod"},
              {UpperDriver::kSt, "st", "st"},     {UpperDriver::kCh, "ch", "ch"},
              {UpperDriver::kSes, "ses", "ses"},  {UpperDriver::kNone, "none", ""}};
  for (const auto& r : rows) {
    EXPECT_EQ(upper_driver_name(r.d), r.name);
    EXPECT_EQ(upper_driver_module(r.d), r.module);
    EXPECT_EQ(upper_driver_by_name(r.name), r.d);
  }
  EXPECT_FALSE(upper_driver_by_name("sg"));
  EXPECT_FALSE(upper_driver_by_name("osst"));
}

TEST(AttachPolicy, ModaliasType) {
  EXPECT_EQ(modalias_type(0x00), "00");
  EXPECT_EQ(modalias_type(0x0d), "0d");
  EXPECT_EQ(modalias_type(0x1f), "1f");
  EXPECT_EQ(modalias_type(0xab), "ab");
}

TEST(AttachPolicy, DescribeType) {
  EXPECT_EQ(describe_device_type(0).substr(0, 6), "0x00 (");
  EXPECT_NE(describe_device_type(5).find("0x05"), std::string::npos);
}

TEST(AttachPolicy, KernelDefaultForEveryType) {
  for (int t = 0; t < 32; ++t) {
    UldInput in;
    in.type = static_cast<uint8_t>(t);
    UldDecision d = default_upper_driver(in);
    EXPECT_EQ(d.driver, driver_for_type(in.type)) << t;
    EXPECT_FALSE(d.kernel_refuses_bind);
    EXPECT_FALSE(d.reason.empty());
    if (d.driver == UpperDriver::kNone) {
      EXPECT_NE(d.reason.find("sg only"), std::string::npos);
    }
  }
}

TEST(AttachPolicy, KernelNoUldAttach) {
  for (uint8_t t : {0x00, 0x01, 0x05, 0x08, 0x0d}) {
    UldDecision d = default_upper_driver({t, 0, "LSI", "Universal Xport", kBlistNoUldAttach});
    EXPECT_EQ(d.driver, UpperDriver::kNone);
    EXPECT_EQ(d.type_driver, driver_for_type(t));
    EXPECT_TRUE(d.kernel_refuses_bind);
    EXPECT_NE(d.reason.find("NO_ULD_ATTACH"), std::string::npos);
    EXPECT_NE(d.reason.find("sg only"), std::string::npos);
  }
}

TEST(AttachPolicy, QualifierNotZero) {
  for (uint8_t q : {1, 3}) {
    UldDecision d = default_upper_driver({0x00, q, "A", "B", 0});
    EXPECT_EQ(d.driver, UpperDriver::kNone);
    EXPECT_TRUE(d.kernel_refuses_bind);
    EXPECT_NE(d.reason.find("qualifier " + std::to_string(q)), std::string::npos);
  }
}

TEST(AttachPolicy, IsromTypeComesFromSysfs) {
  // The kernel applied ISROM: sysfs `type` is 5 whatever INQUIRY says.
  UldDecision d = default_upper_driver({0x05, 0, "MITSUMI", "CD-R CR-2201CS", kBlistIsrom});
  EXPECT_EQ(d.driver, UpperDriver::kSr);
  EXPECT_NE(d.reason.find("ISROM"), std::string::npos);
}

TEST(AttachPolicy, StRejectsOnStream) {
  for (std::string model : {"SC-30", "DI-30", "DP-50", "USB30", "FW-30"}) {
    UldDecision d = default_upper_driver({0x01, 0, "OnStream", model, 0});
    EXPECT_EQ(d.driver, UpperDriver::kNone) << model;
    EXPECT_EQ(d.type_driver, UpperDriver::kSt);
    EXPECT_FALSE(d.kernel_refuses_bind);
  }
  EXPECT_EQ(default_upper_driver({0x01, 0, "OnStream", "ADR50", 0}).driver, UpperDriver::kSt);
  EXPECT_EQ(default_upper_driver({0x01, 0, "HP", "SC-30", 0}).driver, UpperDriver::kSt);
  // Only st has the list.
  EXPECT_EQ(default_upper_driver({0x00, 0, "OnStream", "SC-30", 0}).driver, UpperDriver::kSd);
}

TEST(AttachPolicy, BindFailureReasons) {
  EXPECT_NE(bind_failure_reason(ENODEV).find("NO_ULD_ATTACH"), std::string::npos);
  EXPECT_NE(bind_failure_reason(EBUSY).find("bound"), std::string::npos);
  EXPECT_NE(bind_failure_reason(ENOENT).find("module"), std::string::npos);
  EXPECT_NE(bind_failure_reason(EAGAIN).find("defer"), std::string::npos);
  EXPECT_NE(bind_failure_reason(EIO).find(std::to_string(EIO)), std::string::npos);
}

// --- device handlers -------------------------------------------------------

TEST(AttachPolicy, HandlerNamesAndModules) {
  struct Row {
    DeviceHandler h;
    std::string_view name, module;
  } rows[] = {{DeviceHandler::kAlua, "alua", "scsi_dh_alua"},
              {DeviceHandler::kEmc, "emc", "scsi_dh_emc"},
              {DeviceHandler::kHpSw, "hp_sw", "scsi_dh_hp_sw"},
              {DeviceHandler::kRdac, "rdac", "scsi_dh_rdac"},
              {DeviceHandler::kNone, "none", ""}};
  for (const auto& r : rows) {
    EXPECT_EQ(device_handler_name(r.h), r.name);
    EXPECT_EQ(device_handler_module(r.h), r.module);
    EXPECT_EQ(device_handler_by_name(r.name), r.h);
  }
  EXPECT_FALSE(device_handler_by_name("hp-sw"));
  EXPECT_FALSE(device_handler_by_name("ALUA"));
}

TEST(AttachPolicy, VendorTableIsTheKernels) {
  auto table = kernel_dh_table();
  ASSERT_EQ(table.size(), 39u);
  int emc = 0, hp_sw = 0, rdac = 0;
  for (const auto& e : table) {
    emc += e.handler == DeviceHandler::kEmc;
    hp_sw += e.handler == DeviceHandler::kHpSw;
    rdac += e.handler == DeviceHandler::kRdac;
  }
  EXPECT_EQ(emc, 3);
  EXPECT_EQ(hp_sw, 4);
  EXPECT_EQ(rdac, 32);
  EXPECT_EQ(table.front().vendor, "DGC");
  EXPECT_EQ(table.back().model, "ETERNUS_AHB");
}

TEST(AttachPolicy, EveryVendorTableEntryMatches) {
  for (const auto& e : kernel_dh_table()) {
    std::string vendor(e.vendor), model(e.model);
    EXPECT_EQ(kernel_handler_choice(0, vendor, model), e.handler) << vendor << " " << model;
    // Blank padded as devices send them, and with a model suffix.
    EXPECT_EQ(kernel_handler_choice(0, vendor + "   ", model + " 0815"), e.handler) << vendor;
    // TPGS wins over the table, as in scsi_dh_find_driver.
    for (uint8_t tpgs : {1, 2, 3})
      EXPECT_EQ(kernel_handler_choice(tpgs, vendor, model), DeviceHandler::kAlua);
    // A model that only shares a shorter prefix does not match.
    EXPECT_EQ(kernel_handler_choice(0, vendor, model.substr(0, model.size() - 1) + "#"),
              DeviceHandler::kNone)
        << vendor << " " << model;
  }
}

TEST(AttachPolicy, VendorTablePrefixes) {
  // Vendor by prefix too: "HP" covers "HPE".
  EXPECT_EQ(kernel_handler_choice(0, "HPE", "HSV100"), DeviceHandler::kHpSw);
  EXPECT_EQ(kernel_handler_choice(0, "DGC", "LUNZ"), DeviceHandler::kNone);
  EXPECT_EQ(kernel_handler_choice(0, "DG", "RAID"), DeviceHandler::kNone);
  EXPECT_EQ(kernel_handler_choice(0, "IBM", "2145"), DeviceHandler::kNone);
  EXPECT_EQ(kernel_handler_choice(0, "dgc", "RAID"), DeviceHandler::kNone);  // case counts
  EXPECT_EQ(kernel_handler_choice(0, "QEMU", "QEMU HARDDISK"), DeviceHandler::kNone);
}

TEST(AttachPolicy, TpgInfoFromKernelPage) {
  EXPECT_FALSE(kernel_tpg_info(std::nullopt).page_present);
  std::vector<uint8_t> empty;
  EXPECT_FALSE(kernel_tpg_info(std::span<const uint8_t>(empty)).page_present);

  auto both = page83({kNaa, kRelPort, kTpg});
  TpgInfo t = kernel_tpg_info(std::span<const uint8_t>(both));
  EXPECT_TRUE(t.page_present);
  EXPECT_EQ(t.target_port_group, 0x1234);
  EXPECT_EQ(t.relative_port, 7);

  auto naa_only = page83({kNaa});
  t = kernel_tpg_info(std::span<const uint8_t>(naa_only));
  EXPECT_TRUE(t.page_present);
  EXPECT_FALSE(t.target_port_group);
  EXPECT_FALSE(t.relative_port);

  auto rel_only = page83({kRelPort});
  t = kernel_tpg_info(std::span<const uint8_t>(rel_only));
  EXPECT_FALSE(t.target_port_group);
  EXPECT_EQ(t.relative_port, 7);

  // The kernel does not look at the association; the last one wins.
  auto odd = page83({{5, 0, {0, 0, 0, 1}}, {5, 2, {0, 0, 0, 2}}});
  EXPECT_EQ(kernel_tpg_info(std::span<const uint8_t>(odd)).target_port_group, 2);

  // A descriptor cut short before its value bytes is not read.
  auto cut = page83({kTpg});
  cut.resize(cut.size() - 2);
  EXPECT_FALSE(kernel_tpg_info(std::span<const uint8_t>(cut)).target_port_group);
}

TEST(AttachPolicy, TpgInfoFromFixtures) {
  auto lio = read_fixture(kSgInq + "/lio-alua/vpd_pg83");
  TpgInfo t = kernel_tpg_info(std::span<const uint8_t>(lio));
  EXPECT_EQ(t.target_port_group, 0);
  EXPECT_EQ(t.relative_port, 1);
  auto tpg = read_fixture(kSgInq + "/tpg/vpd_pg83");
  EXPECT_EQ(kernel_tpg_info(std::span<const uint8_t>(tpg)).target_port_group, 0x1234);
  auto naa = read_fixture(kSgInq + "/naa-6/vpd_pg83");
  EXPECT_FALSE(kernel_tpg_info(std::span<const uint8_t>(naa)).target_port_group);
}

TEST(AttachPolicy, AluaRefusal) {
  TpgInfo full{true, 1, 2};
  TpgInfo rel_only{true, std::nullopt, 2};
  TpgInfo tpg_only{true, 1, std::nullopt};
  TpgInfo none{true, std::nullopt, std::nullopt};
  TpgInfo no_page{};
  for (uint8_t tpgs : {1, 2, 3}) {
    EXPECT_FALSE(alua_refusal(0x00, tpgs, full)) << int(tpgs);
    EXPECT_FALSE(alua_refusal(0x00, tpgs, tpg_only)) << int(tpgs);
    EXPECT_NE(alua_refusal(0x00, tpgs, rel_only)->find("No target port descriptors found"),
              std::string::npos);
    EXPECT_NE(alua_refusal(0x00, tpgs, none)->find("No target port descriptors found"),
              std::string::npos);
    EXPECT_NE(alua_refusal(0x00, tpgs, no_page)->find("no page 0x83"), std::string::npos);
    for (uint8_t type : {0x01, 0x05, 0x0e, 0x14})
      EXPECT_NE(alua_refusal(type, tpgs, full)->find("non-disk"), std::string::npos);
  }
  EXPECT_NE(alua_refusal(0x00, 0, full)->find("TPGS is 0"), std::string::npos);
}

TEST(AttachPolicy, DhState) {
  EXPECT_EQ(parse_dh_state("detached\n"), DeviceHandler::kNone);
  EXPECT_EQ(parse_dh_state("alua\n"), DeviceHandler::kAlua);
  EXPECT_EQ(parse_dh_state("rdac"), DeviceHandler::kRdac);
  EXPECT_EQ(parse_dh_state("hp_sw\n"), DeviceHandler::kHpSw);
  EXPECT_FALSE(parse_dh_state("none\n"));
  EXPECT_FALSE(parse_dh_state(""));
  EXPECT_FALSE(parse_dh_state("something\n"));
}

// --- the final decision ----------------------------------------------------

struct Case {
  std::vector<uint8_t> inq;
  std::vector<uint8_t> pg83;
  AttachInput in;
  explicit Case(std::vector<uint8_t> inquiry_data) : inq(std::move(inquiry_data)) {
    in.inquiry = inq;
    in.dh_state = "detached\n";
  }
  void set_page(std::vector<uint8_t> p) {
    pg83 = std::move(p);
    in.kernel_vpd_pg83 = std::span<const uint8_t>(pg83);
  }
  AttachDecision decide() {
    auto d = decide_attach(in);
    EXPECT_TRUE(d);
    return d.value_or(AttachDecision{});
  }
};

TEST(AttachDecision, NoInquiry) {
  AttachInput in;
  EXPECT_FALSE(decide_attach(in));
}

TEST(AttachDecision, PlainDiskBindsSd) {
  Case c(inquiry(0x00, "QEMU", "QEMU HARDDISK"));
  AttachDecision d = c.decide();
  EXPECT_EQ(d.kernel.driver, UpperDriver::kSd);
  EXPECT_EQ(d.driver, UpperDriver::kSd);
  EXPECT_EQ(d.bind, BindAction::kBind);
  EXPECT_EQ(d.module, "sd_mod");
  EXPECT_EQ(d.handler.action, HandlerAction::kNone);
  EXPECT_EQ(d.handler.handler, DeviceHandler::kNone);
  Properties p = attach_properties(d);
  EXPECT_EQ(*find_property(p, "SCSI_PROBE_ATTACH"), "sd");
  EXPECT_EQ(*find_property(p, "SCSI_PROBE_HANDLER"), "none");
  EXPECT_NE(find_property(p, "SCSI_PROBE_REASON")->find("sd: type 0x00"), std::string::npos);
  EXPECT_FALSE(find_property(p, "SCSI_PROBE_REMOVE"));
}

TEST(AttachDecision, EveryTypeDefaultsToTheKernelsDriver) {
  for (int t = 0; t < 32; ++t) {
    Case c(inquiry(static_cast<uint8_t>(t)));
    AttachDecision d = c.decide();
    UpperDriver want = driver_for_type(static_cast<uint8_t>(t));
    EXPECT_EQ(d.driver, want) << t;
    EXPECT_EQ(d.bind, want == UpperDriver::kNone ? BindAction::kNone : BindAction::kBind) << t;
    EXPECT_EQ(d.module, upper_driver_module(want));
    EXPECT_EQ(*find_property(attach_properties(d), "SCSI_PROBE_ATTACH"), upper_driver_name(want));
  }
}

TEST(AttachDecision, SysfsTypeWinsOverInquiry) {
  Case c(inquiry(0x00, "MITSUMI", "CD-R CR-2201CS"));
  c.in.sysfs_type = 0x05;
  c.in.kernel_flags = kBlistIsrom;
  AttachDecision d = c.decide();
  EXPECT_EQ(d.driver, UpperDriver::kSr);
  EXPECT_EQ(d.module, "sr_mod");
}

TEST(AttachDecision, IsromOnlyInQuirksCannotChangeTheType) {
  Case c(inquiry(0x00, "MITSUMI", "CD-R CR-2201CS"));
  c.in.quirk_flags = kBlistIsrom;
  AttachDecision d = c.decide();
  EXPECT_EQ(d.driver, UpperDriver::kSd);
  EXPECT_NE(d.reason.find("ISROM quirk not applied"), std::string::npos);
}

TEST(AttachDecision, KernelNoUldAttach) {
  Case c(inquiry(0x00, "LSI", "Universal Xport"));
  c.in.kernel_flags = kBlistNoUldAttach;
  c.in.quirk_flags = kBlistNoUldAttach;
  AttachDecision d = c.decide();
  EXPECT_EQ(d.driver, UpperDriver::kNone);
  EXPECT_EQ(d.bind, BindAction::kNone);
  EXPECT_TRUE(d.kernel.kernel_refuses_bind);
  EXPECT_NE(d.reason.find("NO_ULD_ATTACH"), std::string::npos);
  EXPECT_EQ(*find_property(attach_properties(d), "SCSI_PROBE_ATTACH"), "none");
}

TEST(AttachDecision, QuirkNoUldAttachWithholds) {
  Case c(inquiry(0x00, "ACME", "Controller"));
  c.in.quirk_flags = kBlistNoUldAttach;
  AttachDecision d = c.decide();
  EXPECT_EQ(d.kernel.driver, UpperDriver::kSd);
  EXPECT_EQ(d.driver, UpperDriver::kNone);
  EXPECT_EQ(d.bind, BindAction::kNone);
  EXPECT_NE(d.reason.find("withheld by the NO_ULD_ATTACH quirk"), std::string::npos);
  // Bound already (autoprobe was on): unbind.
  c.in.bound_driver = "sd";
  d = c.decide();
  EXPECT_EQ(d.bind, BindAction::kUnbind);
  EXPECT_EQ(d.unbind_from, "sd");
}

TEST(AttachDecision, PolicyNoAttach) {
  Case c(inquiry(0x01, "HP", "Ultrium 6-SCSI"));
  c.in.request.attach = false;
  c.in.request.attach_why = "rule /etc/scsi-probe.d/10-tape.conf:2";
  AttachDecision d = c.decide();
  EXPECT_EQ(d.driver, UpperDriver::kNone);
  EXPECT_EQ(d.bind, BindAction::kNone);
  EXPECT_NE(d.reason.find("st ("), std::string::npos);
  EXPECT_NE(d.reason.find("no-attach (rule /etc/scsi-probe.d/10-tape.conf:2)"), std::string::npos);
  c.in.bound_driver = "st";
  EXPECT_EQ(c.decide().bind, BindAction::kUnbind);
}

TEST(AttachDecision, NoAttachOnADeviceWithoutDriverChangesNothing) {
  Case c(inquiry(0x03));
  c.in.request.attach = false;
  AttachDecision d = c.decide();
  EXPECT_EQ(d.bind, BindAction::kNone);
  EXPECT_EQ(d.reason.find("withheld"), std::string::npos);
}

TEST(AttachDecision, AlreadyBound) {
  Case c(inquiry(0x05));
  c.in.bound_driver = "sr";
  AttachDecision d = c.decide();
  EXPECT_EQ(d.bind, BindAction::kAlreadyBound);
  EXPECT_EQ(d.driver, UpperDriver::kSr);
  EXPECT_TRUE(d.module.empty());
}

TEST(AttachDecision, BoundToSomethingElseIsLeftAlone) {
  Case c(inquiry(0x00));
  c.in.bound_driver = "vendor_thing";
  AttachDecision d = c.decide();
  EXPECT_EQ(d.bind, BindAction::kAlreadyBound);
  EXPECT_NE(d.reason.find("vendor_thing is bound already"), std::string::npos);
}

TEST(AttachDecision, PolicySkipRemoves) {
  Case c(inquiry(0x00));
  c.in.request.keep = false;
  c.in.request.keep_why = "not listed by rule /etc/scsi-probe.d/50-san.conf:4";
  AttachDecision d = c.decide();
  EXPECT_EQ(d.bind, BindAction::kRemove);
  EXPECT_EQ(d.driver, UpperDriver::kNone);
  Properties p = attach_properties(d);
  EXPECT_EQ(*find_property(p, "SCSI_PROBE_REMOVE"), "1");
  EXPECT_EQ(*find_property(p, "SCSI_PROBE_ATTACH"), "none");
  EXPECT_NE(find_property(p, "SCSI_PROBE_REASON")->find("50-san.conf:4"), std::string::npos);
}

TEST(AttachDecision, InUseDeviceIsNeitherRemovedNorUnbound) {
  Case skip(inquiry(0x00));
  skip.in.request.keep = false;
  skip.in.request.keep_why = "rule /etc/scsi-probe.d/50-san.conf:4";
  skip.in.bound_driver = "sd";
  AttachDecision d = spare_device_in_use(skip.decide(), "sd", "in use: mounted at /mnt (sdb1)");
  EXPECT_EQ(d.bind, BindAction::kAlreadyBound);
  EXPECT_EQ(d.driver, UpperDriver::kSd);
  EXPECT_FALSE(takes_device_away(d));
  Properties p = attach_properties(d);
  EXPECT_EQ(find_property(p, "SCSI_PROBE_REMOVE"), nullptr);
  EXPECT_EQ(*find_property(p, "SCSI_PROBE_KEPT"), "not removed: in use: mounted at /mnt (sdb1)");
  EXPECT_EQ(*find_property(p, "SCSI_PROBE_ATTACH"), "sd");
  EXPECT_NE(find_property(p, "SCSI_PROBE_REASON")->find("50-san.conf:4"), std::string::npos);

  Case noattach(inquiry(0x00));
  noattach.in.request.attach = false;
  noattach.in.bound_driver = "sd";
  AttachDecision u = noattach.decide();
  ASSERT_EQ(u.bind, BindAction::kUnbind);
  ASSERT_TRUE(takes_device_away(u));
  u = spare_device_in_use(u, "sd", "in use: held by dm-0 (sdb)");
  EXPECT_EQ(u.bind, BindAction::kAlreadyBound);
  EXPECT_TRUE(u.unbind_from.empty());
  EXPECT_EQ(u.kept, "not unbound: in use: held by dm-0 (sdb)");

  // A listing that leaves out a LUN that exists keeps it, and says so.
  Case unlisted(inquiry(0x00));
  unlisted.in.request.keep_why = "not listed by rule x.conf:1, but it exists: kept (only skip removes)";
  AttachDecision k = unlisted.decide();
  EXPECT_EQ(k.bind, BindAction::kBind);
  EXPECT_NE(k.reason.find("; kept: not listed by rule x.conf:1"), std::string::npos);

  // Nothing to hold back: the decision is unchanged.
  Case plain(inquiry(0x00));
  AttachDecision b = plain.decide();
  EXPECT_EQ(spare_device_in_use(b, std::nullopt, "in use: x").reason, b.reason);
  EXPECT_TRUE(spare_device_in_use(b, std::nullopt, "in use: x").kept.empty());
}

TEST(AttachDecision, AluaForEveryTpgsWithPortGroup) {
  for (uint8_t tpgs : {1, 2, 3}) {
    Case c(inquiry(0x00, "LIO-ORG", "disk0", tpgs));
    c.set_page(page83({kNaa, kRelPort, kTpg}));
    AttachDecision d = c.decide();
    EXPECT_EQ(d.handler.kernel_choice, DeviceHandler::kAlua);
    EXPECT_EQ(d.handler.handler, DeviceHandler::kAlua);
    EXPECT_EQ(d.handler.action, HandlerAction::kAttach);
    EXPECT_EQ(d.handler.module, "scsi_dh_alua");
    EXPECT_NE(d.handler.reason.find("TPGS " + std::to_string(tpgs)), std::string::npos);
    EXPECT_NE(d.handler.reason.find("target port group 0x1234"), std::string::npos);
    EXPECT_NE(d.handler.reason.find("relative port 7"), std::string::npos);
    EXPECT_EQ(*find_property(attach_properties(d), "SCSI_PROBE_HANDLER"), "alua");
  }
}

TEST(AttachDecision, AluaWithoutRelativePortStillAttaches) {
  Case c(inquiry(0x00, "LIO-ORG", "disk0", 3));
  c.set_page(page83({kNaa, kTpg}));
  AttachDecision d = c.decide();
  EXPECT_EQ(d.handler.action, HandlerAction::kAttach);
  EXPECT_NE(d.handler.reason.find("no relative port"), std::string::npos);
}

TEST(AttachDecision, AluaWithoutPortDescriptorsIsRefused) {
  for (uint8_t tpgs : {1, 2, 3}) {
    for (auto page : {page83({kNaa}), page83({kNaa, kRelPort})}) {
      Case c(inquiry(0x00, "LIO-ORG", "disk0", tpgs));
      c.set_page(page);
      AttachDecision d = c.decide();
      EXPECT_EQ(d.handler.kernel_choice, DeviceHandler::kAlua);
      EXPECT_EQ(d.handler.handler, DeviceHandler::kNone);
      EXPECT_EQ(d.handler.action, HandlerAction::kNone);
      EXPECT_TRUE(d.handler.module.empty());
      EXPECT_NE(d.handler.reason.find("No target port descriptors found"), std::string::npos);
      EXPECT_EQ(*find_property(attach_properties(d), "SCSI_PROBE_HANDLER"), "none");
    }
  }
  Case no_page(inquiry(0x00, "LIO-ORG", "disk0", 3));
  EXPECT_EQ(no_page.decide().handler.action, HandlerAction::kNone);
}

TEST(AttachDecision, AluaFromRecordedLioPages) {
  // tests/fixtures/sg_inq: the LIO disk with full ALUA designators, and the
  // TPGS=3 device whose page 0x83 lacks them (the guest's first LIO setup).
  Case full(read_fixture(kSgInq + "/lio-alua/inquiry"));
  full.set_page(read_fixture(kSgInq + "/lio-alua/vpd_pg83"));
  AttachDecision d = full.decide();
  EXPECT_EQ(d.handler.action, HandlerAction::kAttach);
  EXPECT_EQ(d.handler.handler, DeviceHandler::kAlua);

  Case bare(read_fixture(kSgInq + "/tpgs-3/inquiry"));
  bare.set_page(page83({kNaa}));
  d = bare.decide();
  EXPECT_EQ(d.handler.kernel_choice, DeviceHandler::kAlua);
  EXPECT_EQ(d.handler.action, HandlerAction::kNone);
}

TEST(AttachDecision, AluaOnlyForDisks) {
  for (uint8_t type : {0x01, 0x05, 0x08, 0x0e, 0x14}) {
    Case c(inquiry(type, "LIO-ORG", "thing", 3));
    c.set_page(page83({kNaa, kRelPort, kTpg}));
    AttachDecision d = c.decide();
    EXPECT_EQ(d.handler.kernel_choice, DeviceHandler::kAlua);
    EXPECT_EQ(d.handler.action, HandlerAction::kNone) << int(type);
    EXPECT_NE(d.handler.reason.find("non-disk"), std::string::npos);
  }
}

TEST(AttachDecision, TpgsZeroHasNoHandler) {
  Case c(inquiry(0x00, "QEMU", "QEMU HARDDISK", 0));
  c.set_page(page83({kNaa, kRelPort, kTpg}));
  AttachDecision d = c.decide();
  EXPECT_EQ(d.handler.kernel_choice, DeviceHandler::kNone);
  EXPECT_EQ(d.handler.action, HandlerAction::kNone);
  EXPECT_NE(d.handler.reason.find("TPGS 0"), std::string::npos);
}

TEST(AttachDecision, VendorTableHandlers) {
  for (const auto& e : kernel_dh_table()) {
    Case c(inquiry(0x00, std::string(e.vendor), std::string(e.model)));
    AttachDecision d = c.decide();
    EXPECT_EQ(d.handler.kernel_choice, e.handler);
    EXPECT_EQ(d.handler.action, HandlerAction::kAttach);
    EXPECT_EQ(d.handler.handler, e.handler);
    EXPECT_EQ(d.handler.module, device_handler_module(e.handler));
    EXPECT_NE(d.handler.reason.find("handler table"), std::string::npos);
  }
}

TEST(AttachDecision, HandlerAlreadyAttachedAtAdd) {
  Case c(inquiry(0x00, "LIO-ORG", "disk0", 3));
  c.set_page(page83({kNaa, kRelPort, kTpg}));
  c.in.dh_state = "alua\n";
  AttachDecision d = c.decide();
  EXPECT_EQ(d.handler.action, HandlerAction::kAlreadyAttached);
  EXPECT_EQ(d.handler.attached, DeviceHandler::kAlua);
  EXPECT_EQ(d.handler.module, "scsi_dh_alua");  // for preloading on the target's other LUNs
}

TEST(AttachDecision, HandlerCannotBeSwapped) {
  Case c(inquiry(0x00, "LIO-ORG", "disk0", 3));
  c.set_page(page83({kNaa, kRelPort, kTpg}));
  c.in.dh_state = "rdac\n";
  AttachDecision d = c.decide();
  EXPECT_EQ(d.handler.action, HandlerAction::kCannotChange);
  EXPECT_EQ(d.handler.handler, DeviceHandler::kRdac);
  EXPECT_NE(d.handler.reason.find("cannot be detached"), std::string::npos);
  // Policy "none" cannot detach either.
  c.in.request.handler = DeviceHandler::kNone;
  c.in.request.handler_why = "rule x.conf:1";
  EXPECT_EQ(c.decide().handler.action, HandlerAction::kCannotChange);
}

TEST(AttachDecision, NoDhStateAttribute) {
  Case c(inquiry(0x00, "DGC", "RAID 5"));
  c.in.dh_state.reset();
  AttachDecision d = c.decide();
  EXPECT_EQ(d.handler.action, HandlerAction::kUnavailable);
  EXPECT_EQ(d.handler.kernel_choice, DeviceHandler::kEmc);
  c.in.dh_state = "???\n";
  EXPECT_EQ(c.decide().handler.action, HandlerAction::kUnavailable);
}

TEST(AttachDecision, PolicyHandlerChoices) {
  Case c(inquiry(0x00, "ACME", "Array"));
  c.in.request.handler = DeviceHandler::kRdac;
  c.in.request.handler_why = "rule /etc/scsi-probe.d/20-array.conf:7";
  AttachDecision d = c.decide();
  EXPECT_EQ(d.handler.kernel_choice, DeviceHandler::kNone);
  EXPECT_EQ(d.handler.action, HandlerAction::kAttach);
  EXPECT_EQ(d.handler.module, "scsi_dh_rdac");
  EXPECT_NE(d.handler.reason.find("asked by rule /etc/scsi-probe.d/20-array.conf:7"),
            std::string::npos);

  Case off(inquiry(0x00, "DGC", "VRAID"));
  off.in.request.handler = DeviceHandler::kNone;
  off.in.request.handler_why = "rule a.conf:1";
  d = off.decide();
  EXPECT_EQ(d.handler.kernel_choice, DeviceHandler::kEmc);
  EXPECT_EQ(d.handler.action, HandlerAction::kNone);

  // alua asked for a device alua refuses: nothing is tried.
  Case refused(inquiry(0x00, "ACME", "Array", 0));
  refused.in.request.handler = DeviceHandler::kAlua;
  refused.in.request.handler_why = "rule a.conf:2";
  d = refused.decide();
  EXPECT_EQ(d.handler.action, HandlerAction::kNone);
  EXPECT_NE(d.handler.reason.find("refuses"), std::string::npos);
}

TEST(AttachDecision, RemovedDeviceGetsNoHandler) {
  Case c(inquiry(0x00, "DGC", "RAID 5"));
  c.in.request.keep = false;
  AttachDecision d = c.decide();
  EXPECT_EQ(d.handler.action, HandlerAction::kNone);
  EXPECT_EQ(d.bind, BindAction::kRemove);
}

TEST(AttachDecision, ActionNames) {
  EXPECT_EQ(bind_action_name(BindAction::kBind), "bind");
  EXPECT_EQ(bind_action_name(BindAction::kUnbind), "unbind");
  EXPECT_EQ(bind_action_name(BindAction::kRemove), "remove");
  EXPECT_EQ(bind_action_name(BindAction::kAlreadyBound), "already-bound");
  EXPECT_EQ(bind_action_name(BindAction::kNone), "none");
}

}  // namespace
}  // namespace scsi_probe
