#include "plugin/backend_plugin.hpp"

#include "core/log.hpp"
#include "plugin/host_table.hpp"
#include "plugin/negotiate.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

namespace strata::detail {

std::shared_ptr<BackendPlugin> BackendPlugin::load(const std::filesystem::path& path, PluginReport& report) {
  report.path = path;
  try {
    auto library = SharedLibrary::open(path);
    auto entry = reinterpret_cast<strata_backend_entry_fn>(library->symbol("strata_backend_entry"));
    if (entry == nullptr)
      throw Error(StatusCode::unavailable,
                  fmt::format("not a Strata backend: it does not export {}", STRATA_BACKEND_ENTRY_SYMBOL));
    const strata_backend_api* api = nullptr;
    check(entry(&host_table(), &api), "the entry point failed");
    check_backend_api(api, STRATA_BACKEND_ABI_VERSION);
    report.name = api->name;
    report.version = api->version != nullptr ? api->version : "";
    report.abi_version = api->abi_version;

    std::uint32_t probed = 0;
    check(api->probe(&probed), "probe failed");
    if (probed == 0) {
      report.found_no_device = true;
      throw Error(StatusCode::unavailable, "its probe found no device on this machine");
    }

    strata_backend* backend = nullptr;
    check(api->backend_create(&backend), "starting the backend failed");
    if (backend == nullptr) throw Error(StatusCode::internal, "backend_create returned success but no backend");
    std::shared_ptr<BackendPlugin> plugin(new BackendPlugin(std::move(library), api, backend));

    std::uint32_t count = 0;
    check(api->device_count(backend, &count), "listing devices failed");
    for (std::uint32_t i = 0; i < count; ++i) {
      strata_device* device = nullptr;
      check(api->device_get(backend, i, &device), fmt::format("device {} is not available", i));
      if (device == nullptr) throw Error(StatusCode::internal, fmt::format("device_get({}) returned no device", i));
      plugin->devices_.push_back(device);
    }
    if (plugin->devices_.empty()) throw Error(StatusCode::unavailable, "the backend started but offers no device");
    report.device_count = plugin->devices_.size();
    report.loaded = true;
    return plugin;
  } catch (const std::exception& error) {
    report.loaded = false;
    report.reason = error.what();
    log_info("skipping plugin {}: {}", path.string(), report.reason);
    return nullptr;
  }
}

BackendPlugin::~BackendPlugin() {
  if (backend_ != nullptr) api_->backend_destroy(backend_);
}

}  // namespace strata::detail
