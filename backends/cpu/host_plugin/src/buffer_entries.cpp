// Buffers are host memory: what the device's allocate() gives, or caller memory wrapped
// without copying where the device has STRATA_CAP_IMPORT_HOST.
#include <strata_host_plugin/entries.hpp>
#include <strata_host_plugin/objects.hpp>

#include <strata_plugin/host.hpp>

#include <cstdlib>
#include <memory>

namespace strata_host_plugin {

strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if (out_buffer == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: out_buffer is null", plugin_name);
    if (size == 0) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: buffer size 0", plugin_name);
    std::byte* data = d.allocate(size);
    auto buffer = std::make_unique<strata_buffer>();
    buffer->device = &d;
    buffer->data = data;
    buffer->size = size;
    buffer->owned = true;
    *out_buffer = buffer.release();
  });
}

void buffer_free(strata_buffer* buffer) {
  if (buffer == nullptr || buffer->tag != buffer_tag) return;
  if (buffer->owned) {
    std::free(buffer->data);
    buffer->device->released(buffer->size);
  }
  buffer->tag = 0;
  delete buffer;
}

void* buffer_host_pointer(strata_buffer* buffer) {
  if (buffer == nullptr || buffer->tag != buffer_tag) return nullptr;
  return (buffer->device->properties.caps & STRATA_CAP_HOST_VISIBLE) ? buffer->data : nullptr;
}

strata_status* buffer_import_host(strata_device* device, void* host_memory, uint64_t size, strata_buffer** out_buffer) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if ((d.properties.caps & STRATA_CAP_IMPORT_HOST) == 0)
      strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "{}: devices do not import host memory", plugin_name);
    if (out_buffer == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: out_buffer is null", plugin_name);
    if (host_memory == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: host memory to import is null", plugin_name);
    if (size == 0) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: buffer size 0", plugin_name);
    // Any alignment is accepted; an op on a tensor that is not aligned to its element size is
    // refused when submitted.
    auto buffer = std::make_unique<strata_buffer>();
    buffer->device = &d;
    buffer->data = static_cast<std::byte*>(host_memory);
    buffer->size = size;
    buffer->owned = false;
    *out_buffer = buffer.release();
  });
}

}  // namespace strata_host_plugin
