#include "plugin_host.hpp"

#include <dlfcn.h>

#include <mutex>
#include <stdexcept>

namespace vulkan_test {
namespace {

// What our status handles point at; the plugin never looks inside.
struct HostStatus {
  strata_status_code code;
  std::string message;
};

std::mutex log_mutex;
std::vector<std::string> log_lines;

strata_status* create_status(strata_status_code code, const char* message) {
  return reinterpret_cast<strata_status*>(new HostStatus{code, message != nullptr ? message : ""});
}

void record_log(strata_log_level, const char* message) {
  std::lock_guard lock(log_mutex);
  log_lines.emplace_back(message != nullptr ? message : "");
}

const strata_host_api host_table{sizeof(strata_host_api), STRATA_BACKEND_ABI_VERSION, &create_status, &record_log};

}  // namespace

PluginHost::PluginHost() {
  library_ = dlopen(STRATA_VULKAN_PLUGIN_FILE, RTLD_NOW | RTLD_LOCAL);
  if (library_ == nullptr) throw std::runtime_error(std::string("dlopen: ") + dlerror());
  auto entry = reinterpret_cast<strata_backend_entry_fn>(dlsym(library_, STRATA_BACKEND_ENTRY_SYMBOL));
  if (entry == nullptr) {
    dlclose(library_);
    throw std::runtime_error("no strata_backend_entry");
  }
  check(entry(&host_table, &api_), "strata_backend_entry");
}

PluginHost::~PluginHost() { dlclose(library_); }

void PluginHost::check(strata_status* status, const std::string& what) {
  if (status == nullptr) return;
  auto* host_status = reinterpret_cast<HostStatus*>(status);
  const std::string message = what + ": " + host_status->message;
  delete host_status;
  throw std::runtime_error(message);
}

std::vector<std::string> PluginHost::logs() {
  std::lock_guard lock(log_mutex);
  return log_lines;
}

bool PluginHost::logged(const std::string& fragment) {
  for (const std::string& line : logs())
    if (line.find(fragment) != std::string::npos) return true;
  return false;
}

void PluginHost::clear_logs() {
  std::lock_guard lock(log_mutex);
  log_lines.clear();
}

}  // namespace vulkan_test
