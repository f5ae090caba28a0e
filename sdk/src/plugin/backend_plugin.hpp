// One loaded backend plugin: its library, its negotiated table and its started instance.
#pragma once

#include "plugin/shared_library.hpp"

#include <strata/backend.h>
#include <strata/runtime.hpp>

#include <filesystem>
#include <memory>
#include <vector>

namespace strata::detail {

class BackendPlugin {
 public:
  // Loads, negotiates, probes and starts the plugin at `path`; fills `report` either way.
  // Returns nullptr (with report.reason set) when the plugin must be skipped.
  static std::shared_ptr<BackendPlugin> load(const std::filesystem::path& path, PluginReport& report);
  ~BackendPlugin();
  BackendPlugin(const BackendPlugin&) = delete;
  BackendPlugin& operator=(const BackendPlugin&) = delete;

  const strata_backend_api& api() const { return *api_; }
  const std::vector<strata_device*>& devices() const { return devices_; }
  const std::filesystem::path& path() const { return library_->path(); }

 private:
  BackendPlugin(std::shared_ptr<SharedLibrary> library, const strata_backend_api* api, strata_backend* backend)
      : library_(std::move(library)), api_(api), backend_(backend) {}

  std::shared_ptr<SharedLibrary> library_;  // destroyed last: the table lives in it
  const strata_backend_api* api_;
  strata_backend* backend_;
  std::vector<strata_device*> devices_;
};

}  // namespace strata::detail
