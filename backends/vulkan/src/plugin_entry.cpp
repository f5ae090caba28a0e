// The C boundary: strata_backend_entry and the function table. Every entry runs inside
// strata_plugin::guard(), so no exception crosses into the host.
#include "backend.hpp"
#include "buffer.hpp"
#include "op_support.hpp"
#include "queue.hpp"
#include "timeline.hpp"

#include <strata/backend.h>
#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include <span>

namespace strata_vulkan {
namespace {

template <typename T>
void need(T* pointer, const char* what) {
  if (pointer == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "vulkan: {} is NULL", what);
}

Event* event_from(strata_event* handle) { return reinterpret_cast<Event*>(handle); }

strata_status* probe(uint32_t* out_device_count) {
  return strata_plugin::guard([&] {
    need(out_device_count, "out_device_count");
    *out_device_count = count_usable_devices();
  });
}

strata_status* backend_create(strata_backend** out_backend) {
  return strata_plugin::guard([&] {
    need(out_backend, "out_backend");
    *out_backend = to_handle(new Backend());
  });
}

void backend_destroy(strata_backend* backend) {
  try {
    delete from_handle(backend);
  } catch (...) {
    strata_plugin::log(STRATA_LOG_ERROR, "vulkan: error while destroying the backend");
  }
}

strata_status* device_count(strata_backend* backend, uint32_t* out_count) {
  return strata_plugin::guard([&] {
    need(backend, "backend");
    need(out_count, "out_count");
    *out_count = static_cast<uint32_t>(from_handle(backend)->devices().size());
  });
}

strata_status* device_get(strata_backend* backend, uint32_t index, strata_device** out_device) {
  return strata_plugin::guard([&] {
    need(backend, "backend");
    need(out_device, "out_device");
    auto& devices = from_handle(backend)->devices();
    if (index >= devices.size())
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "vulkan: device index {} of {}", index, devices.size());
    *out_device = to_handle(devices[index].get());
  });
}

strata_status* device_properties(strata_device* device, strata_device_properties* inout_props) {
  return strata_plugin::guard([&] {
    need(device, "device");
    need(inout_props, "props");
    fill_properties(*from_handle(device), inout_props);
  });
}

strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total) {
  return strata_plugin::guard([&] {
    need(device, "device");
    Device& d = *from_handle(device);
    const uint64_t total = d.memory_total();
    const uint64_t free = d.memory_free();
    if (out_free != nullptr) *out_free = free;
    if (out_total != nullptr) *out_total = total;
  });
}

strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out_supported) {
  return strata_plugin::guard([&] {
    need(device, "device");
    need(op, "op");
    need(out_supported, "out_supported");
    try {
      strata_plugin::validate_op(*op, false);
    } catch (const strata_plugin::Error&) {
      *out_supported = 0;  // an op outside the op-set rules runs nowhere; not an error
      return;
    }
    *out_supported = unsupported_reason(*from_handle(device), *op).empty() ? 1 : 0;
  });
}

strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer) {
  return strata_plugin::guard([&] {
    need(device, "device");
    need(out_buffer, "out_buffer");
    *out_buffer = to_handle(allocate_buffer(*from_handle(device), size));
  });
}

void buffer_free(strata_buffer* buffer) {
  try {
    free_buffer(from_handle(buffer));
  } catch (const std::exception& error) {
    strata_plugin::log(STRATA_LOG_ERROR, std::string("vulkan: buffer_free: ") + error.what());
  }
}

void* buffer_host_pointer(strata_buffer*) { return nullptr; }

strata_status* buffer_import_host(strata_device*, void*, uint64_t, strata_buffer**) {
  return strata_plugin::make_status(STRATA_STATUS_UNSUPPORTED, "vulkan: importing host memory is not supported");
}

strata_status* queue_create(strata_device* device, strata_queue** out_queue) {
  return strata_plugin::guard([&] {
    need(device, "device");
    need(out_queue, "out_queue");
    Device& d = *from_handle(device);
    d.start();
    *out_queue = to_handle(new Queue(d));
  });
}

void queue_destroy(strata_queue* queue) {
  try {
    delete from_handle(queue);
  } catch (...) {
    strata_plugin::log(STRATA_LOG_ERROR, "vulkan: error while destroying a queue");
  }
}

strata_status* queue_write(strata_queue* queue, strata_buffer* dst, uint64_t dst_offset, const void* src,
                           uint64_t size) {
  return strata_plugin::guard([&] {
    need(queue, "queue");
    need(dst, "dst");
    from_handle(queue)->write(*from_handle(dst), dst_offset, src, size);
  });
}

strata_status* queue_read(strata_queue* queue, strata_buffer* src, uint64_t src_offset, void* dst, uint64_t size) {
  return strata_plugin::guard([&] {
    need(queue, "queue");
    need(src, "src");
    from_handle(queue)->read(*from_handle(src), src_offset, dst, size);
  });
}

strata_status* queue_copy(strata_queue* queue, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                          uint64_t dst_offset, uint64_t size) {
  return strata_plugin::guard([&] {
    need(queue, "queue");
    need(src, "src");
    need(dst, "dst");
    from_handle(queue)->copy(*from_handle(src), src_offset, *from_handle(dst), dst_offset, size);
  });
}

strata_status* queue_submit(strata_queue* queue, const strata_op* ops, uint32_t op_count) {
  return strata_plugin::guard([&] {
    need(queue, "queue");
    if (op_count == 0) return;
    need(ops, "ops");
    from_handle(queue)->submit(std::span<const strata_op>(ops, op_count));
  });
}

strata_status* queue_finish(strata_queue* queue) {
  return strata_plugin::guard([&] {
    need(queue, "queue");
    from_handle(queue)->finish();
  });
}

strata_status* event_record(strata_queue* queue, strata_event** out_event) {
  return strata_plugin::guard([&] {
    need(queue, "queue");
    need(out_event, "out_event");
    *out_event = reinterpret_cast<strata_event*>(new Event(from_handle(queue)->record_event()));
  });
}

strata_status* queue_wait_event(strata_queue* queue, strata_event* event) {
  return strata_plugin::guard([&] {
    need(queue, "queue");
    need(event, "event");
    from_handle(queue)->wait_event(*event_from(event));
  });
}

strata_status* event_synchronize(strata_event* event) {
  return strata_plugin::guard([&] {
    need(event, "event");
    const Event& e = *event_from(event);
    e.timeline->wait(e.value);
  });
}

void event_release(strata_event* event) { delete event_from(event); }

constexpr strata_backend_api api_table{
    .struct_size = sizeof(strata_backend_api),
    .abi_version = STRATA_BACKEND_ABI_VERSION,
    .name = "vulkan",
    .version = "0.1.0",
    .probe = &probe,
    .backend_create = &backend_create,
    .backend_destroy = &backend_destroy,
    .device_count = &device_count,
    .device_get = &device_get,
    .device_properties = &device_properties,
    .device_memory = &device_memory,
    .device_supports_op = &device_supports_op,
    .buffer_allocate = &buffer_allocate,
    .buffer_free = &buffer_free,
    .buffer_host_pointer = &buffer_host_pointer,
    .buffer_import_host = &buffer_import_host,
    .queue_create = &queue_create,
    .queue_destroy = &queue_destroy,
    .queue_write = &queue_write,
    .queue_read = &queue_read,
    .queue_copy = &queue_copy,
    .queue_submit = &queue_submit,
    .queue_finish = &queue_finish,
    .event_record = &event_record,
    .queue_wait_event = &queue_wait_event,
    .event_synchronize = &event_synchronize,
    .event_release = &event_release,
};

}  // namespace
}  // namespace strata_vulkan

extern "C" STRATA_PLUGIN_EXPORT strata_status* strata_backend_entry(const strata_host_api* host,
                                                                    const strata_backend_api** out_api) {
  strata_plugin::set_host(host);
  return strata_plugin::guard([&] {
    if (STRATA_VERSION_MAJOR(host->abi_version) != STRATA_BACKEND_ABI_MAJOR)
      strata_plugin::fail(STRATA_STATUS_INCOMPATIBLE_VERSION,
                          "vulkan: built for backend ABI {}.{}, the host speaks {}.{}", STRATA_BACKEND_ABI_MAJOR,
                          STRATA_BACKEND_ABI_MINOR, STRATA_VERSION_MAJOR(host->abi_version),
                          STRATA_VERSION_MINOR(host->abi_version));
    if (out_api == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "vulkan: out_api is NULL");
    *out_api = &strata_vulkan::api_table;
  });
}
