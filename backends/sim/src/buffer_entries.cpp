// Buffers: host memory, counted against the simulated device's limit before it is taken, so
// an allocation past the limit fails with OUT_OF_MEMORY exactly as a full GPU's would.
#include "entries.hpp"
#include "objects.hpp"

#include <strata_plugin/host.hpp>

#include <cstdlib>
#include <memory>

namespace strata_sim {
namespace {

constexpr std::uint64_t alignment = 64;

}  // namespace

strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if (out_buffer == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: out_buffer is null");
    if (size == 0) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: buffer size 0");
    {
      const std::lock_guard lock(d.mutex);
      const std::uint64_t free = d.spec.memory - d.allocated;
      if (size > free)
        strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY,
                            "sim: {} ({}): {} bytes requested, {} of its {} bytes are free", d.properties.stable_id,
                            d.spec.description, size, free, d.spec.memory);
      d.allocated += size;
    }
    const std::uint64_t rounded = (size + alignment - 1) / alignment * alignment;
    auto* data = rounded >= size ? static_cast<std::byte*>(std::aligned_alloc(alignment, rounded)) : nullptr;
    if (data == nullptr) {
      const std::lock_guard lock(d.mutex);
      d.allocated -= size;
      strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "sim: the host could not give {} bytes", size);
    }
    auto buffer = std::make_unique<strata_buffer>();
    buffer->device = &d;
    buffer->data = data;
    buffer->size = size;
    buffer->owned = true;
    *out_buffer = buffer.release();
  });
}

void buffer_free(strata_buffer* buffer) {
  if (buffer == nullptr || buffer->tag != strata_buffer::live_tag) return;
  if (buffer->owned) {
    std::free(buffer->data);
    const std::lock_guard lock(buffer->device->mutex);
    buffer->device->allocated -= buffer->size;
  }
  buffer->tag = 0;
  delete buffer;
}

void* buffer_host_pointer(strata_buffer* buffer) {
  if (buffer == nullptr || buffer->tag != strata_buffer::live_tag) return nullptr;
  return (buffer->device->properties.caps & STRATA_CAP_HOST_VISIBLE) ? buffer->data : nullptr;
}

strata_status* buffer_import_host(strata_device* device, void*, uint64_t, strata_buffer**) {
  return strata_plugin::guard([&] {
    checked(device);
    strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "sim: devices do not import host memory");
  });
}

}  // namespace strata_sim
