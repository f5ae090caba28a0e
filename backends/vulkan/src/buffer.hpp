// strata_buffer: device-local memory of one device. Not host-visible: data moves through the
// queues' staging (queue_write / queue_read).
#pragma once

#include "device.hpp"

#include <cstdint>

namespace strata_vulkan {

struct Buffer {
  Device* device = nullptr;
  RawBuffer raw;
  std::uint64_t size = 0;  // as asked for; raw.size may be padded
};

// Throws OUT_OF_MEMORY (with the reason) when the device cannot give `size` bytes.
Buffer* allocate_buffer(Device& device, std::uint64_t size);
void free_buffer(Buffer* buffer);

inline Buffer* from_handle(strata_buffer* handle) { return reinterpret_cast<Buffer*>(handle); }
inline strata_buffer* to_handle(Buffer* buffer) { return reinterpret_cast<strata_buffer*>(buffer); }

}  // namespace strata_vulkan
