#include "kmod_loader.h"

#include <dlfcn.h>
#include <libkmod.h>
#include <poll.h>
#include <sys/stat.h>

#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>

#include "attach_policy.h"
#include "sysfs.h"
#include "sysfs_scan.h"
#include "system_log.h"
#include "text.h"

namespace scsi_probe {

namespace {

// libkmod is opened only when a module is actually missing, as systemd does
// with its optional libraries: it links libcrypto, libzstd and liblzma,
// whose start-up relocations cost more than the rest of a run of the
// helper under emulation, and nearly every run finds its driver loaded.
struct Kmod {
  decltype(&kmod_new) new_ctx;
  decltype(&kmod_unref) unref;
  decltype(&kmod_load_resources) load_resources;
  decltype(&kmod_module_new_from_lookup) lookup;
  decltype(&kmod_module_unref_list) unref_list;
  decltype(&kmod_list_next) list_next;
  decltype(&kmod_module_get_module) get_module;
  decltype(&kmod_module_probe_insert_module) probe_insert;
  decltype(&kmod_module_unref) unref_module;
};

template <typename F>
bool bind(void* lib, const char* symbol, F& f) {
  f = reinterpret_cast<F>(dlsym(lib, symbol));
  return f != nullptr;
}

Result<const Kmod*> open_kmod() {
  static Kmod api;
  static const bool ok = [] {
    void* lib = dlopen("libkmod.so.2", RTLD_NOW | RTLD_LOCAL);
    return lib && bind(lib, "kmod_new", api.new_ctx) && bind(lib, "kmod_unref", api.unref) &&
           bind(lib, "kmod_load_resources", api.load_resources) &&
           bind(lib, "kmod_module_new_from_lookup", api.lookup) &&
           bind(lib, "kmod_module_unref_list", api.unref_list) &&
           bind(lib, "kmod_list_next", api.list_next) &&
           bind(lib, "kmod_module_get_module", api.get_module) &&
           bind(lib, "kmod_module_probe_insert_module", api.probe_insert) &&
           bind(lib, "kmod_module_unref", api.unref_module);
  }();
  if (!ok) {
    const char* why = dlerror();
    return Error{std::string("libkmod.so.2: ") + (why ? why : "cannot be loaded"), ENOSYS};
  }
  return &api;
}

// /sys/module/NAME exists for loaded modules and for built-in ones with
// parameters; an alias or a missing module goes to libkmod.
bool module_present(const std::string& name) {
  struct stat st;
  return stat(("/sys/module/" + name).c_str(), &st) == 0;
}

// A module another helper is loading has its folder before its init has run
// (initstate "coming"), and so before its driver is registered; libkmod also
// counts it as loaded. Wait for its init, within a bound: a bind written
// earlier finds no driver.
void wait_for_init(const std::string& name) {
  const std::string path = "/sys/module/" + name + "/initstate";
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(path);
    std::string state;
    if (!(in >> state) || state != "coming") return;
    usleep(50000);
  }
}

// A module this process asked udev for. udevd announces the bus's change
// event to its monitors after the event's RUN, its kmod builtin, is over:
// seen there, the load succeeded or failed for good.
struct UdevRequest {
  std::string type;  // modalias_type()
  UdevPtr u;
  UdevMonitorPtr monitor;
  std::chrono::steady_clock::time_point asked;
  std::mutex m;
  bool answered = false;  // guarded by m
};
std::mutex udev_requests_m;
std::map<std::string, std::unique_ptr<UdevRequest>, std::less<>> udev_requests;  // guarded

// Asks udevd to load the module of a device type (DriverModulePreload),
// listening for its answer first. Returns 0 or errno.
int request_from_udev(uint8_t type, const std::string& module) {
  auto r = std::make_unique<UdevRequest>();
  r->type = modalias_type(type);
  r->u.reset(udev_new());
  if (r->u) r->monitor.reset(udev_monitor_new_from_netlink(r->u.get(), "udev"));
  if (!r->monitor || udev_monitor_filter_add_match_subsystem_devtype(r->monitor.get(), "bus", nullptr) < 0 ||
      udev_monitor_enable_receiving(r->monitor.get()) < 0)
    return ENOTCONN;
  r->asked = std::chrono::steady_clock::now();
  if (int rc = send_synthetic_change(nullptr, {{kSynthModuleType, r->type}}, concat({kScsiBus, "/uevent"}))) return rc;
  std::lock_guard<std::mutex> lock(udev_requests_m);
  udev_requests.emplace(module, std::move(r));
  return 0;
}

// Whether `dev` is udevd's announcement of the request's event.
bool answers(udev_device* dev, const UdevRequest& r) {
  const char* path = udev_device_get_devpath(dev);
  const char* type = udev_device_get_property_value(dev, synthetic_key(kSynthModuleType).c_str());
  return path && type && std::string_view(path) == "/bus/scsi" && r.type == type;
}

// Waits for udevd's answer to a request for `name`, within kUdevModuleWait
// of the request. False: not asked, or no answer in time.
bool await_udev_load(const std::string& name) {
  UdevRequest* r = nullptr;
  {
    std::lock_guard<std::mutex> lock(udev_requests_m);
    auto it = udev_requests.find(name);
    if (it == udev_requests.end()) return false;
    r = it->second.get();
  }
  std::lock_guard<std::mutex> lock(r->m);
  const auto until = r->asked + kUdevModuleWait;
  while (!r->answered) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{udev_monitor_get_fd(r->monitor.get()), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    while (UdevDevicePtr d{udev_monitor_receive_device(r->monitor.get())})
      r->answered = r->answered || answers(d.get(), *r);
  }
  return true;
}

}  // namespace

Status load_module(std::string_view name, std::string_view why) {
  std::string n(name);
  if (!module_present(n)) await_udev_load(n);
  if (module_present(n)) {
    wait_for_init(n);
    return done();
  }
  const Result<const Kmod*> api = open_kmod();
  if (!api) return api.error();
  const Kmod* k = *api;
  auto ctx_deleter = [k](kmod_ctx* c) { k->unref(c); };
  std::unique_ptr<kmod_ctx, decltype(ctx_deleter)> ctx(k->new_ctx(nullptr, nullptr), ctx_deleter);
  if (!ctx) return Error{"libkmod: cannot create a context", ENOMEM};
  k->load_resources(ctx.get());
  kmod_list* raw = nullptr;
  int rc = k->lookup(ctx.get(), n.c_str(), &raw);
  auto list_deleter = [k](kmod_list* l) { k->unref_list(l); };
  std::unique_ptr<kmod_list, decltype(list_deleter)> list(raw, list_deleter);
  if (rc < 0) return Error{"module " + n + ": lookup failed: " + std::strerror(-rc), -rc};
  if (!list) return Error{"module " + n + ": not found", ENOENT};
  for (kmod_list* it = list.get(); it; it = k->list_next(list.get(), it)) {
    kmod_module* mod = k->get_module(it);
    rc = k->probe_insert(mod, KMOD_PROBE_APPLY_BLACKLIST, nullptr, nullptr, nullptr, nullptr);
    k->unref_module(mod);
    if (rc < 0 && rc != -EEXIST) return Error{"module " + n + ": " + std::strerror(-rc), -rc};
    if (rc > 0) return Error{"module " + n + ": blacklisted", EPERM};
  }
  wait_for_init(n);
  log_change({LogPriority::kNotice, n, "load module", std::string(why)});
  return done();
}

DriverModulePreload::~DriverModulePreload() {
  for (std::thread& t : loads_) t.join();
}

void DriverModulePreload::device_created(const ScsiAddress& a) {
  // Straight from sysfs: this runs on the scanning thread, between writes.
  const std::optional<long long> type = read_sysfs_int(scsi_device_path(a) + "/type");
  if (!type || *type < 0 || *type > 0x1f) return;
  const auto t = static_cast<uint8_t>(*type);
  const std::string_view module = upper_driver_module(driver_for_type(t));
  if (module.empty()) return;
  std::lock_guard<std::mutex> lock(m_);
  std::string name(module);
  if (started_.count(module) || module_present(name)) return;
  started_.emplace(module);
  std::string why = concat({"ahead of the bind, for ", format_scsi_address(a), " (type ", describe_device_type(t),
                            "), as 80-drivers.rules would on its add event"});
  if (request_from_udev(t, name) == 0) {
    log_change({LogPriority::kNotice, name, "load module through udev",
                concat({"kmod load scsi:t-0x", modalias_type(t), ", ", why})});
    return;
  }
  try {
    loads_.emplace_back([name = std::move(name), why = std::move(why)] { (void)load_module(name, why); });
  } catch (const std::system_error&) {
    // No thread: the bind loads it.
  }
}

}  // namespace scsi_probe
