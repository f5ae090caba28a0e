#include "sim_device.hpp"

#include <strata_plugin/host.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>

namespace strata_sim {
namespace {

constexpr std::uint64_t alignment = 64;

void copy_text(char* dst, std::size_t capacity, const std::string& text) {
  const std::size_t n = std::min(capacity - 1, text.size());
  std::memcpy(dst, text.data(), n);
  dst[n] = '\0';
}

}  // namespace

strata_host_plugin::Memory SimDevice::current_memory() {
  const std::lock_guard lock(mutex);
  return {spec.memory - allocated, spec.memory};
}

std::byte* SimDevice::allocate(std::uint64_t size) {
  {
    const std::lock_guard lock(mutex);
    const std::uint64_t free = spec.memory - allocated;
    if (size > free)
      strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "sim: {} ({}): {} bytes requested, {} of its {} bytes are free",
                          properties.stable_id, spec.description, size, free, spec.memory);
    allocated += size;
  }
  const std::uint64_t rounded = (size + alignment - 1) / alignment * alignment;
  auto* data = rounded >= size ? static_cast<std::byte*>(std::aligned_alloc(alignment, rounded)) : nullptr;
  if (data == nullptr) {
    const std::lock_guard lock(mutex);
    allocated -= size;
    strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "sim: the host could not give {} bytes", size);
  }
  return data;
}

void SimDevice::released(std::uint64_t size) {
  const std::lock_guard lock(mutex);
  allocated -= size;
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
  // The figures describe the device simulated, not the CPU kernels it computes with: measuring
  // it would plan for the host's CPU instead.
  if (spec.exact_speeds) p.caps |= STRATA_CAP_EXACT_SPEEDS;
  p.memory_total = spec.memory;
  p.memory_free = spec.memory;
  p.peak_flops = spec.peak_flops;
  p.memory_bandwidth = spec.memory_bandwidth;
  p.host_link_bandwidth = spec.host_link_bandwidth;
  copy_text(p.driver_version, sizeof(p.driver_version), "sim");
  p.sharing = spec.sharing;
  return p;
}

}  // namespace strata_sim
