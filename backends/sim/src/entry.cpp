// strata_backend_entry of the sim plugin: devices described by STRATA_SIM_DEVICES, which keep
// their memory limit and compute with the CPU kernels.
#include "entries.hpp"

#include <strata_plugin/host.hpp>

namespace {

using namespace strata_sim;

const strata_backend_api api_table = {
    sizeof(strata_backend_api),
    STRATA_BACKEND_ABI_VERSION,
    "sim",
    STRATA_SIM_PLUGIN_VERSION,
    probe,
    backend_create,
    backend_destroy,
    device_count,
    device_get,
    device_properties,
    device_memory,
    device_supports_op,
    buffer_allocate,
    buffer_free,
    buffer_host_pointer,
    buffer_import_host,
    queue_create,
    queue_destroy,
    queue_write,
    queue_read,
    queue_copy,
    queue_submit,
    queue_finish,
    event_record,
    queue_wait_event,
    event_synchronize,
    event_release,
};

}  // namespace

extern "C" STRATA_PLUGIN_EXPORT strata_status* strata_backend_entry(const strata_host_api* host,
                                                                    const strata_backend_api** out_api) {
  strata_plugin::set_host(host);
  return strata_plugin::guard([&] {
    const uint32_t major = STRATA_VERSION_MAJOR(host->abi_version);
    if (major != STRATA_BACKEND_ABI_MAJOR || host->struct_size < sizeof(strata_host_api))
      strata_plugin::fail(STRATA_STATUS_INCOMPATIBLE_VERSION,
                          "sim plugin speaks backend ABI {}.{}; the host speaks {}.{}", STRATA_BACKEND_ABI_MAJOR,
                          STRATA_BACKEND_ABI_MINOR, major, STRATA_VERSION_MINOR(host->abi_version));
    if (out_api == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: out_api is null");
    *out_api = &api_table;
  });
}
