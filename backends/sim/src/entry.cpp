// strata_backend_entry of the sim plugin: devices described by STRATA_SIM_DEVICES, which keep
// their memory limit and compute with the CPU kernels.
#include <strata/backend.h>

#include <strata_host_plugin/entries.hpp>
#include <strata_host_plugin/objects.hpp>

#include <strata_plugin/host.hpp>

#include "entries.hpp"

namespace strata_host_plugin {

const char* const plugin_name = "sim";
const std::uint64_t buffer_tag = 0x5354524154415349ull;  // "STRATASI"

}  // namespace strata_host_plugin

extern "C" STRATA_PLUGIN_EXPORT strata_status* strata_backend_entry(const strata_host_api* host,
                                                                    const strata_backend_api** out_api) {
  using namespace strata_sim;
  static const strata_backend_api table = strata_host_plugin::api_table(
      STRATA_SIM_PLUGIN_VERSION, {probe, backend_create, backend_destroy, device_count, device_get});
  return strata_host_plugin::enter(host, out_api, table);
}
