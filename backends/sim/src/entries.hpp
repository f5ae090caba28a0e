// The functions of the sim plugin's backend.h table.
#pragma once

#include <strata/backend.h>

namespace strata_sim {

strata_status* probe(uint32_t* out_device_count);
strata_status* backend_create(strata_backend** out_backend);
void backend_destroy(strata_backend* backend);
strata_status* device_count(strata_backend* backend, uint32_t* out_count);
strata_status* device_get(strata_backend* backend, uint32_t index, strata_device** out_device);
strata_status* device_properties(strata_device* device, strata_device_properties* inout_props);
strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total);
strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out_supported);

strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer);
void buffer_free(strata_buffer* buffer);
void* buffer_host_pointer(strata_buffer* buffer);
strata_status* buffer_import_host(strata_device* device, void* host_memory, uint64_t size, strata_buffer** out_buffer);

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

}  // namespace strata_sim
