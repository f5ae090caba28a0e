#include <strata_plugin/host.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace strata_plugin {
namespace {
std::atomic<const strata_host_api*> g_host{nullptr};
}  // namespace

void set_host(const strata_host_api* host) { g_host.store(host, std::memory_order_release); }

const strata_host_api* host() { return g_host.load(std::memory_order_acquire); }

strata_status* make_status(strata_status_code code, const std::string& message) {
  if (code == STRATA_STATUS_OK) return nullptr;
  const strata_host_api* table = host();
  if (table == nullptr || table->status_create == nullptr) {
    // Only reachable when a plugin is driven without strata_backend_entry: reporting success
    // here would be a lie, so stop loudly.
    std::fprintf(stderr, "strata plugin error before the host table was set: %s\n", message.c_str());
    std::abort();
  }
  return table->status_create(code, message.c_str());
}

void log(strata_log_level level, const std::string& message) {
  const strata_host_api* table = host();
  if (table != nullptr && table->log != nullptr) table->log(level, message.c_str());
}

}  // namespace strata_plugin
