// Device memory: host memory counted against the device's budget, so that free memory is
// reported honestly and an allocation beyond it fails with OUT_OF_MEMORY.
#include "sample.hpp"

#include <cstdlib>
#include <string>

namespace sample {

strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer) {
  return guarded([&] {
    if (size == 0) throw Failure(STRATA_STATUS_INVALID_ARGUMENT, "sample: buffers have at least one byte");
    {
      // Compare with what is left, never add to `size`: a size near 2^64 must not wrap around.
      const std::lock_guard lock(device->mutex);
      if (size > device->memory_total - device->memory_used)
        throw Failure(STRATA_STATUS_OUT_OF_MEMORY,
                      "sample: " + std::to_string(size) + " bytes is more than the device has free");
      device->memory_used += size;
    }
    // 64-byte alignment suits any element type and vector loads; aligned_alloc wants a
    // multiple of the alignment.
    const std::uint64_t padded = (size + 63) / 64 * 64;
    void* memory = std::aligned_alloc(64, padded);
    if (memory == nullptr) {
      const std::lock_guard lock(device->mutex);
      device->memory_used -= size;
      throw Failure(STRATA_STATUS_OUT_OF_MEMORY, "sample: the host is out of memory");
    }
    *out_buffer = new strata_buffer{device, static_cast<std::byte*>(memory), size, true};
  });
}

void buffer_free(strata_buffer* buffer) {
  if (buffer == nullptr) return;
  if (buffer->owned) {
    std::free(buffer->data);
    const std::lock_guard lock(buffer->device->mutex);
    buffer->device->memory_used -= buffer->size;
  }
  delete buffer;
}

void* buffer_host_pointer(strata_buffer* buffer) { return buffer->data; }

strata_status* buffer_import_host(strata_device*, void*, uint64_t, strata_buffer**) {
  // Not claimed (no STRATA_CAP_IMPORT_HOST), so refused as the header asks.
  return host->status_create(STRATA_STATUS_UNSUPPORTED, "sample: importing host memory is not supported");
}

}  // namespace sample
