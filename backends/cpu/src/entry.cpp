// strata_backend_entry: negotiates the ABI version with the host and hands out the table.
#include <strata/backend.h>

#include <strata_host_plugin/entries.hpp>
#include <strata_host_plugin/objects.hpp>

#include <strata_plugin/host.hpp>

#include "entries.hpp"

namespace strata_host_plugin {

const char* const plugin_name = "cpu";
const std::uint64_t buffer_tag = 0x5354524154414350ull;  // "STRATACP"

}  // namespace strata_host_plugin

extern "C" STRATA_PLUGIN_EXPORT strata_status* strata_backend_entry(const strata_host_api* host,
                                                                    const strata_backend_api** out_api) {
  using namespace strata_cpu_plugin;
  static const strata_backend_api table = strata_host_plugin::api_table(
      STRATA_CPU_PLUGIN_VERSION, {probe, backend_create, backend_destroy, device_count, device_get});
  return strata_host_plugin::enter(host, out_api, table);
}
