#include "buffer.hpp"

#include <strata_plugin/host.hpp>

#include <memory>

namespace strata_vulkan {

Buffer* allocate_buffer(Device& device, std::uint64_t size) {
  if (size == 0) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "vulkan: buffer size must be > 0");
  device.start();
  device.collect_retired();
  auto buffer = std::make_unique<Buffer>();
  buffer->device = &device;
  buffer->size = size;
  buffer->raw = device.create_device_buffer(size);
  return buffer.release();
}

void free_buffer(Buffer* buffer) {
  if (buffer == nullptr) return;
  buffer->device->retire_buffer(buffer->raw);
  delete buffer;
}

}  // namespace strata_vulkan
