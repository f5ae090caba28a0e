#include "objects.hpp"

#include <strata_plugin/host.hpp>

#include <algorithm>
#include <cstring>
#include <string>

namespace strata_sim {
namespace {

void copy_text(char* dst, std::size_t capacity, const std::string& text) {
  const std::size_t n = std::min(capacity - 1, text.size());
  std::memcpy(dst, text.data(), n);
  dst[n] = '\0';
}

}  // namespace

strata_device& checked(strata_device* device) {
  if (device == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: device handle is null");
  return *device;
}

strata_queue& checked(strata_queue* queue) {
  if (queue == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: queue handle is null");
  return *queue;
}

strata_event& checked(strata_event* event) {
  if (event == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: event handle is null");
  return *event;
}

strata_buffer& checked(strata_buffer* buffer, const strata_device* device, const char* role) {
  if (buffer == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: {} buffer is null", role);
  if (buffer->tag != strata_buffer::live_tag)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: {} is not a live buffer of the sim backend", role);
  if (device != nullptr && buffer->device != device)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: {} buffer belongs to another device", role);
  return *buffer;
}

void check_range(const strata_buffer& buffer, std::uint64_t offset, std::uint64_t size, const char* role) {
  if (offset > buffer.size || size > buffer.size - offset)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: {}: {} bytes at offset {} overrun its buffer of {} bytes",
                        role, size, offset, buffer.size);
}

strata_device_properties describe(const DeviceSpec& spec, std::uint32_t index) {
  strata_device_properties p{};
  p.struct_size = sizeof(p);
  p.kind = spec.kind;
  copy_text(p.name, sizeof(p.name), spec.description);
  copy_text(p.stable_id, sizeof(p.stable_id), fmt::format("sim:{}:{}", index, spec.description));
  copy_text(p.pci_bus_id, sizeof(p.pci_bus_id), spec.pci_bus_id);
  p.dtypes = STRATA_DTYPE_BIT(STRATA_DTYPE_F32) | STRATA_DTYPE_BIT(STRATA_DTYPE_F16) |
             STRATA_DTYPE_BIT(STRATA_DTYPE_BF16) | STRATA_DTYPE_BIT(STRATA_DTYPE_I32);
  // A discrete device's memory is not the host's: the SDK must copy through queues, as with a
  // real GPU. Integrated and CPU-like devices share host memory.
  p.caps = STRATA_CAP_EVENTS;
  if (spec.kind == STRATA_DEVICE_IGPU || spec.kind == STRATA_DEVICE_CPU)
    p.caps |= STRATA_CAP_HOST_VISIBLE | STRATA_CAP_UNIFIED_MEMORY;
  p.memory_total = spec.memory;
  p.memory_free = spec.memory;
  p.peak_flops = spec.peak_flops;
  p.memory_bandwidth = spec.memory_bandwidth;
  p.host_link_bandwidth = spec.host_link_bandwidth;
  return p;
}

}  // namespace strata_sim
