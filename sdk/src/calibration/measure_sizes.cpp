#include "calibration/measure_sizes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <string>

namespace strata::detail {
namespace {

constexpr std::uint64_t MiB = 1ull << 20;

bool works_in_host_memory(const DeviceInfo& device) {
  return device.kind == DeviceKind::cpu || device.kind == DeviceKind::igpu || device.caps.unified_memory ||
         device.sharing == DeviceSharing::host_memory || device.sharing == DeviceSharing::host_cores;
}

// The host's last-level cache, from sysfs; 0 when it does not say.
std::uint64_t last_level_cache_bytes() {
  std::uint64_t largest = 0;
  for (int index = 0; index < 8; ++index) {
    std::ifstream file(fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/size", index));
    std::string text;
    if (!(file >> text) || text.empty()) continue;
    std::uint64_t value = 0;
    std::size_t used = 0;
    try {
      value = std::stoull(text, &used);
    } catch (const std::exception&) {
      continue;
    }
    const char unit = used < text.size() ? text[used] : ' ';
    value *= unit == 'K' ? 1024 : unit == 'M' ? MiB : 1;
    largest = std::max(largest, value);
  }
  return largest;
}

}  // namespace

MeasureSizes measure_sizes(const DeviceInfo& device) {
  MeasureSizes sizes;
  if (works_in_host_memory(device)) {
    // Twice the host's last-level cache (server CPUs have hundreds of MiB), so the figure is the
    // memory's; at most 1 GiB and an eighth of what is free.
    std::uint64_t bytes = std::clamp<std::uint64_t>(2 * last_level_cache_bytes(), 64 * MiB, 1024 * MiB);
    if (device.memory_free) bytes = std::min(bytes, std::max<std::uint64_t>(*device.memory_free / 8, 16 * MiB));
    if (device.memory_total) bytes = std::min(bytes, std::max<std::uint64_t>(*device.memory_total / 4, 16 * MiB));
    sizes.weight_bytes = bytes;
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
