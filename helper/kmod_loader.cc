#include "kmod_loader.h"

#include <libkmod.h>

#include <cstring>
#include <memory>

namespace scsi_probe {

namespace {

struct KmodDeleter {
  void operator()(kmod_ctx* c) const { kmod_unref(c); }
  void operator()(kmod_list* l) const { kmod_module_unref_list(l); }
};

}  // namespace

int load_module(std::string_view name, std::string& error) {
  std::unique_ptr<kmod_ctx, KmodDeleter> ctx(kmod_new(nullptr, nullptr));
  if (!ctx) {
    error = "libkmod: cannot create a context";
    return -ENOMEM;
  }
  kmod_load_resources(ctx.get());
  std::string n(name);
  kmod_list* raw = nullptr;
  int rc = kmod_module_new_from_lookup(ctx.get(), n.c_str(), &raw);
  std::unique_ptr<kmod_list, KmodDeleter> list(raw);
  if (rc < 0) {
    error = "module " + n + ": lookup failed: " + std::strerror(-rc);
    return rc;
  }
  if (!list) {
    error = "module " + n + ": not found";
    return -ENOENT;
  }
  kmod_list* it;
  kmod_list_foreach(it, list.get()) {
    kmod_module* mod = kmod_module_get_module(it);
    rc = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, nullptr, nullptr,
                                         nullptr, nullptr);
    kmod_module_unref(mod);
    if (rc < 0 && rc != -EEXIST) {
      error = "module " + n + ": " + std::strerror(-rc);
      return rc;
    }
    if (rc > 0) {
      error = "module " + n + ": blacklisted";
      return -EPERM;
    }
  }
  return 0;
}

}  // namespace scsi_probe
