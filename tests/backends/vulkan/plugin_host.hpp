// The Vulkan plugin loaded by itself through its C ABI, with a host table that records every log
// line the plugin writes: for what the C++ API does not show (probe, the pipeline cache's
// messages). Do not use while a strata::Runtime has the same plugin loaded.
#pragma once

#include <strata/backend.h>

#include <string>
#include <vector>

namespace vulkan_test {

class PluginHost {
 public:
  PluginHost();  // loads STRATA_VULKAN_PLUGIN_FILE; throws std::runtime_error when it cannot
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  const strata_backend_api& api() const { return *api_; }
  // Throws std::runtime_error carrying the status message when `status` is an error.
  static void check(strata_status* status, const std::string& what);
  static std::vector<std::string> logs();
  static bool logged(const std::string& fragment);
  static void clear_logs();

 private:
  void* library_ = nullptr;
  const strata_backend_api* api_ = nullptr;
};

}  // namespace vulkan_test
