// The plugin's strata_backend_api table and the ABI handshake of strata_backend_entry.
#include <strata_host_plugin/entries.hpp>
#include <strata_host_plugin/objects.hpp>

#include <strata_plugin/host.hpp>

namespace strata_host_plugin {

strata_backend_api api_table(const char* version, const BackendEntries& own) {
  return {
      sizeof(strata_backend_api),
      STRATA_BACKEND_ABI_VERSION,
      plugin_name,
      version,
      own.probe,
      own.backend_create,
      own.backend_destroy,
      own.device_count,
      own.device_get,
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
}

strata_status* enter(const strata_host_api* host, const strata_backend_api** out_api, const strata_backend_api& table) {
  strata_plugin::set_host(host);
  return strata_plugin::guard([&] {
    // Any minor version of our major works: the plugin calls only the 1.0 host entries.
    const uint32_t major = STRATA_VERSION_MAJOR(host->abi_version);
    if (major != STRATA_BACKEND_ABI_MAJOR || host->struct_size < sizeof(strata_host_api))
      strata_plugin::fail(
          STRATA_STATUS_INCOMPATIBLE_VERSION, "{} plugin speaks backend ABI {}.{}; the host speaks {}.{}", plugin_name,
          STRATA_BACKEND_ABI_MAJOR, STRATA_BACKEND_ABI_MINOR, major, STRATA_VERSION_MINOR(host->abi_version));
    if (out_api == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: out_api is null", plugin_name);
    *out_api = &table;
  });
}

}  // namespace strata_host_plugin
