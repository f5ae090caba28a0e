#include "calibration/measure_sizes.hpp"

#include <algorithm>

namespace strata::detail {
namespace {

constexpr std::uint64_t MiB = 1ull << 20;

bool works_in_host_memory(const DeviceInfo& device) {
  return device.kind == DeviceKind::cpu || device.kind == DeviceKind::igpu || device.caps.unified_memory ||
         device.sharing == DeviceSharing::host_memory || device.sharing == DeviceSharing::host_cores;
}

}  // namespace

MeasureSizes measure_sizes(const DeviceInfo& device) {
  MeasureSizes sizes;
  if (works_in_host_memory(device)) {
    sizes.weight_bytes = 64 * MiB;
    sizes.copy_bytes = 64 * MiB;
    sizes.matmul_dim = 1024;
    return sizes;
  }
  std::uint64_t bytes = 512 * MiB;
  if (device.memory_total) bytes = std::min(bytes, *device.memory_total / 4);
  // Leave room for what others already hold on the device.
  if (device.memory_free) bytes = std::min(bytes, *device.memory_free / 2);
  sizes.weight_bytes = std::max(bytes, 16 * MiB);
  sizes.copy_bytes = std::min(sizes.weight_bytes, 256 * MiB);
  sizes.matmul_dim = 4096;
  return sizes;
}

}  // namespace strata::detail
