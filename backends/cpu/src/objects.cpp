#include "objects.hpp"

#include <strata_plugin/host.hpp>

namespace strata_cpu_plugin {

strata_device& checked(strata_device* device) {
  if (device == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: device handle is null");
  return *device;
}

strata_queue& checked(strata_queue* queue) {
  if (queue == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: queue handle is null");
  return *queue;
}

strata_event& checked(strata_event* event) {
  if (event == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: event handle is null");
  return *event;
}

strata_buffer& checked(strata_buffer* buffer, const strata_device* device, const char* role) {
  if (buffer == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: {} buffer is null", role);
  if (buffer->tag != strata_buffer::live_tag)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: {} is not a live buffer of the cpu backend", role);
  if (device != nullptr && buffer->device != device)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: {} buffer belongs to another device", role);
  return *buffer;
}

void check_range(const strata_buffer& buffer, std::uint64_t offset, std::uint64_t size, const char* role) {
  if (offset > buffer.size || size > buffer.size - offset)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: {}: {} bytes at offset {} overrun its buffer of {} bytes",
                        role, size, offset, buffer.size);
}

}  // namespace strata_cpu_plugin
