// The entry point and the backend table: the only symbol the plugin exports.
#include "sample.hpp"

#include <new>

namespace sample {

const strata_host_api* host = nullptr;

namespace {

// One device of 1 GiB: the memory the sample lets itself use, and reports honestly.
constexpr std::uint64_t device_memory_bytes = std::uint64_t{1} << 30;

strata_status* probe(uint32_t* out_device_count) {
  *out_device_count = 1;  // host memory is always there; a GPU backend would ask its driver here
  return nullptr;
}

strata_status* backend_create(strata_backend** out_backend) {
  return guarded([&] {
    auto* backend = new strata_backend;
    backend->device.memory_total = device_memory_bytes;
    *out_backend = backend;  // outputs are written only on success
  });
}

void backend_destroy(strata_backend* backend) { delete backend; }

strata_status* device_count(strata_backend*, uint32_t* out_count) {
  *out_count = 1;
  return nullptr;
}

strata_status* device_get(strata_backend* backend, uint32_t index, strata_device** out_device) {
  if (index != 0) return host->status_create(STRATA_STATUS_INVALID_ARGUMENT, "sample: there is one device");
  *out_device = &backend->device;
  return nullptr;
}

// Built once; it must outlive every call the host makes, so it is a static.
strata_backend_api make_table() {
  strata_backend_api t{};
  t.struct_size = sizeof(strata_backend_api);
  t.abi_version = STRATA_BACKEND_ABI_VERSION;
  t.name = "sample";
  t.version = "1.0.0";
  t.probe = probe;
  t.backend_create = backend_create;
  t.backend_destroy = backend_destroy;
  t.device_count = device_count;
  t.device_get = device_get;
  t.device_properties = device_properties;
  t.device_memory = device_memory;
  t.device_supports_op = device_supports_op;
  t.buffer_allocate = buffer_allocate;
  t.buffer_free = buffer_free;
  t.buffer_host_pointer = buffer_host_pointer;
  t.buffer_import_host = buffer_import_host;
  t.queue_create = queue_create;
  t.queue_destroy = queue_destroy;
  t.queue_write = queue_write;
  t.queue_read = queue_read;
  t.queue_copy = queue_copy;
  t.queue_submit = queue_submit;
  t.queue_finish = queue_finish;
  t.event_record = event_record;
  t.queue_wait_event = queue_wait_event;
  t.event_synchronize = event_synchronize;
  t.event_release = event_release;
  return t;
}

const strata_backend_api table = make_table();

}  // namespace
}  // namespace sample

extern "C" STRATA_PLUGIN_EXPORT strata_status* strata_backend_entry(const strata_host_api* host,
                                                                    const strata_backend_api** out_api) {
  // Without a host table no status can be made: refuse silently with a null table.
  if (host == nullptr || host->status_create == nullptr || out_api == nullptr) return nullptr;
  sample::host = host;
  // Same major version, any minor: the host checks table sizes before calling newer entries.
  if (STRATA_VERSION_MAJOR(host->abi_version) != STRATA_BACKEND_ABI_MAJOR)
    return host->status_create(STRATA_STATUS_INCOMPATIBLE_VERSION, "sample: built for Strata backend ABI 1.x");
  *out_api = &sample::table;
  return nullptr;
}
