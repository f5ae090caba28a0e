// A test-only backend whose one device, "counted:0", holds host memory under a fixed limit and
// reports exactly what is free: the load-failure tests watch it return to where it started.
// It stores data and copies it, but computes nothing: it answers supports_op for the ops of the
// dtypes it stores (F32 and I32), so that a session loads onto it, and fails every submit (the
// tests only load). Half-precision weights must be converted on their way to it.
#include <strata/backend.h>

#include <strata_plugin/host.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>

struct strata_backend {};
struct strata_device {
  std::atomic<uint64_t> used{0};
};
struct strata_buffer {
  strata_device* device = nullptr;
  std::byte* data = nullptr;
  uint64_t size = 0;
  bool owned = true;
};
struct strata_queue {};
struct strata_event {};

namespace {

using strata_plugin::fail;
using strata_plugin::guard;

constexpr uint64_t memory_limit = 24ull << 20;
strata_device the_device;

strata_status* probe(uint32_t* count) {
  return guard([&] { *count = 1; });
}
strata_status* backend_create(strata_backend** out) {
  return guard([&] { *out = new strata_backend; });
}
void backend_destroy(strata_backend* backend) { delete backend; }
strata_status* device_count(strata_backend*, uint32_t* count) {
  return guard([&] { *count = 1; });
}
strata_status* device_get(strata_backend*, uint32_t index, strata_device** out) {
  return guard([&] {
    if (index != 0) fail(STRATA_STATUS_INVALID_ARGUMENT, "counted: no device {}", index);
    *out = &the_device;
  });
}
strata_status* device_properties(strata_device*, strata_device_properties* props) {
  return guard([&] {
    if (props->struct_size < sizeof(strata_device_properties))
      fail(STRATA_STATUS_INVALID_ARGUMENT, "counted: old props");
    props->kind = STRATA_DEVICE_ACCEL;
    std::snprintf(props->name, sizeof(props->name), "memory-counting test device");
    std::snprintf(props->stable_id, sizeof(props->stable_id), "counted-0");
    props->dtypes = STRATA_DTYPE_BIT(STRATA_DTYPE_F32) | STRATA_DTYPE_BIT(STRATA_DTYPE_I32);
    props->caps = STRATA_CAP_HOST_VISIBLE;
    props->memory_total = memory_limit;
    props->memory_free = memory_limit - the_device.used.load();
    std::snprintf(props->driver_version, sizeof(props->driver_version), "counted test driver");
    props->sharing = STRATA_SHARING_NONE;  // computes nothing, so it takes no time from the host's cores
  });
}
strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total) {
  return guard([&] {
    *out_free = memory_limit - device->used.load();
    *out_total = memory_limit;
  });
}
strata_status* device_supports_op(strata_device*, const strata_op* op, int32_t* out) {
  return guard([&] {
    bool stored = op->output.dtype == STRATA_DTYPE_F32 || op->output.dtype == STRATA_DTYPE_I32;
    for (uint32_t i = 0; i < op->n_inputs && i < STRATA_MAX_OP_INPUTS; ++i)
      stored = stored && (op->inputs[i].dtype == STRATA_DTYPE_F32 || op->inputs[i].dtype == STRATA_DTYPE_I32);
    *out = stored ? 1 : 0;
  });
}
strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out) {
  return guard([&] {
    uint64_t used = device->used.load();
    do {
      if (size > memory_limit - used)
        fail(STRATA_STATUS_OUT_OF_MEMORY, "counted: {} bytes requested, {} free", size, memory_limit - used);
    } while (!device->used.compare_exchange_weak(used, used + size));
    auto buffer = std::make_unique<strata_buffer>();
    buffer->device = device;
    buffer->size = size;
    buffer->data = static_cast<std::byte*>(std::calloc(size, 1));
    if (!buffer->data) {
      device->used -= size;
      fail(STRATA_STATUS_OUT_OF_MEMORY, "counted: host allocation failed");
    }
    *out = buffer.release();
  });
}
void buffer_free(strata_buffer* buffer) {
  if (!buffer) return;
  if (buffer->owned) {
    buffer->device->used -= buffer->size;
    std::free(buffer->data);
  }
  delete buffer;
}
void* buffer_host_pointer(strata_buffer* buffer) { return buffer->data; }
strata_status* buffer_import_host(strata_device*, void*, uint64_t, strata_buffer**) {
  return guard([] { fail(STRATA_STATUS_UNSUPPORTED, "counted: no import"); });
}
strata_status* queue_create(strata_device*, strata_queue** out) {
  return guard([&] { *out = new strata_queue; });
}
void queue_destroy(strata_queue* queue) { delete queue; }
void check_range(const strata_buffer* buffer, uint64_t offset, uint64_t size) {
  if (offset > buffer->size || size > buffer->size - offset)
    fail(STRATA_STATUS_INVALID_ARGUMENT, "counted: [{}, +{}) outside a buffer of {}", offset, size, buffer->size);
}
strata_status* queue_write(strata_queue*, strata_buffer* dst, uint64_t offset, const void* src, uint64_t size) {
  return guard([&] {
    check_range(dst, offset, size);
    std::memcpy(dst->data + offset, src, size);
  });
}
strata_status* queue_read(strata_queue*, strata_buffer* src, uint64_t offset, void* dst, uint64_t size) {
  return guard([&] {
    check_range(src, offset, size);
    std::memcpy(dst, src->data + offset, size);
  });
}
strata_status* queue_copy(strata_queue*, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                          uint64_t dst_offset, uint64_t size) {
  return guard([&] {
    check_range(src, src_offset, size);
    check_range(dst, dst_offset, size);
    std::memmove(dst->data + dst_offset, src->data + src_offset, size);
  });
}
strata_status* queue_submit(strata_queue*, const strata_op*, uint32_t) {
  return guard([] { fail(STRATA_STATUS_UNSUPPORTED, "counted: this test device computes nothing"); });
}
strata_status* queue_finish(strata_queue*) { return nullptr; }
strata_status* event_record(strata_queue*, strata_event** out) {
  return guard([&] { *out = new strata_event; });
}
strata_status* queue_wait_event(strata_queue*, strata_event*) { return nullptr; }
strata_status* event_synchronize(strata_event*) { return nullptr; }
void event_release(strata_event* event) { delete event; }

const strata_backend_api api_table = {
    sizeof(strata_backend_api),
    STRATA_BACKEND_ABI_VERSION,
    "counted",
    "test",
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
  return guard([&] { *out_api = &api_table; });
}
