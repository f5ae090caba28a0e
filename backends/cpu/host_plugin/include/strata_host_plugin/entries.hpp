// The entries of a host-memory plugin's strata_backend_api table: the plugin writes the
// backend entries (its devices), this library the rest and the handshake.
#pragma once

#include <strata/backend.h>

namespace strata_host_plugin {

// The entries each plugin writes itself.
struct BackendEntries {
  decltype(strata_backend_api::probe) probe;
  decltype(strata_backend_api::backend_create) backend_create;
  decltype(strata_backend_api::backend_destroy) backend_destroy;
  decltype(strata_backend_api::device_count) device_count;
  decltype(strata_backend_api::device_get) device_get;
};

// The whole table: `own` plus the entries below, named plugin_name.
strata_backend_api api_table(const char* version, const BackendEntries& own);

// The body of strata_backend_entry: installs the host, checks its ABI version, hands out `table`.
strata_status* enter(const strata_host_api* host, const strata_backend_api** out_api, const strata_backend_api& table);

// device_entries.cpp
strata_status* device_properties(strata_device* device, strata_device_properties* inout_props);
strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total);
strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out_supported);

// buffer_entries.cpp
strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer);
void buffer_free(strata_buffer* buffer);
void* buffer_host_pointer(strata_buffer* buffer);
strata_status* buffer_import_host(strata_device* device, void* host_memory, uint64_t size, strata_buffer** out_buffer);

// queue_entries.cpp
strata_status* queue_create(strata_device* device, strata_queue** out_queue);
void queue_destroy(strata_queue* queue);
strata_status* queue_write(strata_queue* queue, strata_buffer* dst, uint64_t dst_offset, const void* src,
                           uint64_t size);
strata_status* queue_read(strata_queue* queue, strata_buffer* src, uint64_t src_offset, void* dst, uint64_t size);
strata_status* queue_copy(strata_queue* queue, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                          uint64_t dst_offset, uint64_t size);
strata_status* queue_submit(strata_queue* queue, const strata_op* ops, uint32_t op_count);
strata_status* queue_finish(strata_queue* queue);
strata_status* event_record(strata_queue* queue, strata_event** out_event);
strata_status* queue_wait_event(strata_queue* queue, strata_event* event);
strata_status* event_synchronize(strata_event* event);
void event_release(strata_event* event);

}  // namespace strata_host_plugin
