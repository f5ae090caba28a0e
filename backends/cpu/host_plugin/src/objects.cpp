#include <strata_host_plugin/objects.hpp>

#include <strata_plugin/host.hpp>

namespace strata_host_plugin {

strata_device& checked(strata_device* device) {
  if (device == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: device handle is null", plugin_name);
  return *device;
}

strata_queue& checked(strata_queue* queue) {
  if (queue == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: queue handle is null", plugin_name);
  return *queue;
}

strata_event& checked(strata_event* event) {
  if (event == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: event handle is null", plugin_name);
  return *event;
}

strata_buffer& checked(strata_buffer* buffer, const strata_device* device, const char* role) {
  if (buffer == nullptr)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: {} buffer is null", plugin_name, role);
  if (buffer->tag != buffer_tag)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: {} is not a live buffer of the {} backend", plugin_name,
                        role, plugin_name);
  if (device != nullptr && buffer->device != device)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: {} buffer belongs to another device", plugin_name, role);
  return *buffer;
}

void check_range(const strata_buffer& buffer, std::uint64_t offset, std::uint64_t size, const char* role) {
  if (offset > buffer.size || size > buffer.size - offset)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: {}: {} bytes at offset {} overrun its buffer of {} bytes",
                        plugin_name, role, size, offset, buffer.size);
}

}  // namespace strata_host_plugin
