// The C ABI of the opencl backend: every entry of strata_backend_api, each one run inside
// guard() so that no exception crosses the boundary.
#include "backend.hpp"
#include "cl_error.hpp"
#include "objects.hpp"
#include "op_launch.hpp"
#include "queue.hpp"

#include <strata/backend.h>
#include <strata_plugin/host.hpp>

#include <memory>

namespace strata_opencl {
namespace {

// Every pointer an entry needs, checked before use: a NULL is the caller's error.
void need(const void* pointer, const char* what) {
  if (pointer == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "opencl: {} is NULL", what);
}

strata_status* probe(uint32_t* out_device_count) {
  return guard([&] {
    need(out_device_count, "out_device_count");
    *out_device_count = probe_device_count();
  });
}

strata_status* backend_create(strata_backend** out_backend) {
  return guard([&] {
    need(out_backend, "out_backend");
    *out_backend = to_handle(new Backend());
  });
}

void backend_destroy(strata_backend* backend) {
  guard_void("backend_destroy", [&] { delete from_handle(backend); });
}

strata_status* device_count(strata_backend* backend, uint32_t* out_count) {
  return guard([&] {
    need(backend, "backend");
    need(out_count, "out_count");
    *out_count = from_handle(backend)->device_count();
  });
}

strata_status* device_get(strata_backend* backend, uint32_t index, strata_device** out_device) {
  return guard([&] {
    need(backend, "backend");
    need(out_device, "out_device");
    *out_device = to_handle(&from_handle(backend)->device(index));
  });
}

strata_status* device_properties(strata_device* device, strata_device_properties* inout_props) {
  return guard([&] {
    need(device, "device");
    need(inout_props, "inout_props");
    from_handle(device)->properties(*inout_props);
  });
}

// Free memory is an estimate: the device's total minus what this plugin has allocated on it.
// OpenCL has no query for free memory; docs/opencl-backend.md explains.
strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total) {
  return guard([&] {
    need(device, "device");
    need(out_free, "out_free");
    need(out_total, "out_total");
    const Device& d = *from_handle(device);
    const uint64_t free_bytes = d.memory_free();
    *out_total = d.description().global_memory;
    *out_free = free_bytes;
  });
}

strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out_supported) {
  return guard([&] {
    need(device, "device");
    need(op, "op");
    need(out_supported, "out_supported");
    int32_t supported = 1;
    try {
      check_op_shape(*op, *from_handle(device));
    } catch (const strata_plugin::Error& error) {
      if (error.code() != STRATA_STATUS_INVALID_ARGUMENT && error.code() != STRATA_STATUS_UNSUPPORTED) throw;
      supported = 0;
    }
    *out_supported = supported;
  });
}

strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer) {
  return guard([&] {
    need(device, "device");
    need(out_buffer, "out_buffer");
    if (size == 0) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "opencl: a buffer needs size > 0");
    Device& d = *from_handle(device);
    d.reserve(size);
    try {
      auto buffer = std::make_unique<Buffer>();
      buffer->device = &d;
      buffer->size = size;
      buffer->memory = cl::Buffer(d.context(), CL_MEM_READ_WRITE, static_cast<std::size_t>(size));
      *out_buffer = to_handle(buffer.release());
    } catch (const cl::Error& error) {
      d.release(size);
      // Whatever the driver's reason, a buffer it will not make is memory it cannot give.
      strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "opencl: {} cannot allocate {} bytes: {} failed with {}",
                          d.description().name, size, error.what(), cl_error_name(error.err()));
    } catch (...) {
      d.release(size);
      throw;
    }
  });
}

void buffer_free(strata_buffer* buffer) {
  guard_void("buffer_free", [&] {
    if (buffer == nullptr) return;
    std::unique_ptr<Buffer> owned(from_handle(buffer));
    owned->device->release(owned->size);
  });
}

void* buffer_host_pointer(strata_buffer*) { return nullptr; }

strata_status* buffer_import_host(strata_device*, void*, uint64_t, strata_buffer**) {
  return guard(
      [] { strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "opencl: importing host memory is not supported"); });
}

strata_status* queue_create(strata_device* device, strata_queue** out_queue) {
  return guard([&] {
    need(device, "device");
    need(out_queue, "out_queue");
    *out_queue = to_handle(new Queue(*from_handle(device)));
  });
}

void queue_destroy(strata_queue* queue) {
  guard_void("queue_destroy", [&] { delete from_handle(queue); });
}

strata_status* queue_write(strata_queue* queue, strata_buffer* dst, uint64_t dst_offset, const void* src,
                           uint64_t size) {
  return guard([&] {
    need(queue, "queue");
    need(dst, "dst");
    if (size != 0) need(src, "src");
    from_handle(queue)->write(*from_handle(dst), dst_offset, src, size);
  });
}

strata_status* queue_read(strata_queue* queue, strata_buffer* src, uint64_t src_offset, void* dst, uint64_t size) {
  return guard([&] {
    need(queue, "queue");
    need(src, "src");
    if (size != 0) need(dst, "dst");
    from_handle(queue)->read(*from_handle(src), src_offset, dst, size);
  });
}

strata_status* queue_copy(strata_queue* queue, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                          uint64_t dst_offset, uint64_t size) {
  return guard([&] {
    need(queue, "queue");
    need(src, "src");
    need(dst, "dst");
    from_handle(queue)->copy(*from_handle(src), src_offset, *from_handle(dst), dst_offset, size);
  });
}

strata_status* queue_submit(strata_queue* queue, const strata_op* ops, uint32_t op_count) {
  return guard([&] {
    need(queue, "queue");
    if (op_count != 0) need(ops, "ops");
    from_handle(queue)->submit(ops, op_count);
  });
}

strata_status* queue_finish(strata_queue* queue) {
  return guard([&] {
    need(queue, "queue");
    from_handle(queue)->finish();
  });
}

strata_status* event_record(strata_queue* queue, strata_event** out_event) {
  return guard([&] {
    need(queue, "queue");
    need(out_event, "out_event");
    *out_event = to_handle(from_handle(queue)->record());
  });
}

strata_status* queue_wait_event(strata_queue* queue, strata_event* event) {
  return guard([&] {
    need(queue, "queue");
    need(event, "event");
    from_handle(queue)->wait(*from_handle(event));
  });
}

strata_status* event_synchronize(strata_event* event) {
  return guard([&] {
    need(event, "event");
    from_handle(event)->event.wait();
  });
}

void event_release(strata_event* event) {
  guard_void("event_release", [&] { delete from_handle(event); });
}

constexpr strata_backend_api kApi = {
    .struct_size = sizeof(strata_backend_api),
    .abi_version = STRATA_BACKEND_ABI_VERSION,
    .name = "opencl",
    .version = STRATA_OPENCL_VERSION,
    .probe = probe,
    .backend_create = backend_create,
    .backend_destroy = backend_destroy,
    .device_count = device_count,
    .device_get = device_get,
    .device_properties = device_properties,
    .device_memory = device_memory,
    .device_supports_op = device_supports_op,
    .buffer_allocate = buffer_allocate,
    .buffer_free = buffer_free,
    .buffer_host_pointer = buffer_host_pointer,
    .buffer_import_host = buffer_import_host,
    .queue_create = queue_create,
    .queue_destroy = queue_destroy,
    .queue_write = queue_write,
    .queue_read = queue_read,
    .queue_copy = queue_copy,
    .queue_submit = queue_submit,
    .queue_finish = queue_finish,
    .event_record = event_record,
    .queue_wait_event = queue_wait_event,
    .event_synchronize = event_synchronize,
    .event_release = event_release,
};

}  // namespace
}  // namespace strata_opencl

extern "C" STRATA_PLUGIN_EXPORT strata_status* strata_backend_entry(const strata_host_api* host,
                                                                    const strata_backend_api** out_api) {
  strata_plugin::set_host(host);
  return strata_plugin::guard([&] {
    if (host == nullptr || STRATA_VERSION_MAJOR(host->abi_version) != STRATA_BACKEND_ABI_MAJOR)
      strata_plugin::fail(STRATA_STATUS_INCOMPATIBLE_VERSION,
                          "opencl: built for backend ABI {}.{}, the host speaks {}.{}", STRATA_BACKEND_ABI_MAJOR,
                          STRATA_BACKEND_ABI_MINOR, host ? STRATA_VERSION_MAJOR(host->abi_version) : 0,
                          host ? STRATA_VERSION_MINOR(host->abi_version) : 0);
    *out_api = &strata_opencl::kApi;
  });
}
