#include "memory_types.hpp"

namespace strata_vulkan {
namespace {

constexpr VkMemoryPropertyFlags unusable = VK_MEMORY_PROPERTY_PROTECTED_BIT | VK_MEMORY_PROPERTY_LAZILY_ALLOCATED_BIT;

template <typename Score>
std::optional<std::uint32_t> best_type(const VkPhysicalDeviceMemoryProperties& memory, std::uint32_t allowed,
                                       Score score) {
  std::optional<std::uint32_t> best;
  long double best_score = 0;
  for (std::uint32_t i = 0; i < memory.memoryTypeCount; ++i) {
    if ((allowed & (1u << i)) == 0 || (memory.memoryTypes[i].propertyFlags & unusable) != 0) continue;
    const long double s = score(memory.memoryTypes[i]);
    if (s > 0 && (!best || s > best_score)) {
      best = i;
      best_score = s;
    }
  }
  return best;
}

}  // namespace

std::optional<std::uint32_t> choose_device_memory_type(const VkPhysicalDeviceMemoryProperties& memory,
                                                       std::uint32_t allowed) {
  auto device_local = best_type(memory, allowed, [&](const VkMemoryType& type) -> long double {
    if ((type.propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) == 0) return 0;
    const long double heap = static_cast<long double>(memory.memoryHeaps[type.heapIndex].size);
    return heap * 2 + ((type.propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) == 0 ? 1 : 0);
  });
  if (device_local) return device_local;
  // No device-local memory at all: any memory the buffer accepts.
  return best_type(memory, allowed, [&](const VkMemoryType& type) -> long double {
    return static_cast<long double>(memory.memoryHeaps[type.heapIndex].size) + 1;
  });
}

std::optional<std::uint32_t> choose_host_memory_type(const VkPhysicalDeviceMemoryProperties& memory,
                                                     std::uint32_t allowed) {
  return best_type(memory, allowed, [](const VkMemoryType& type) -> long double {
    constexpr VkMemoryPropertyFlags needed = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    if ((type.propertyFlags & needed) != needed) return 0;
    long double score = 1;
    if ((type.propertyFlags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) != 0) score += 4;
    if ((type.propertyFlags & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT) == 0) score += 2;
    return score;
  });
}

}  // namespace strata_vulkan
