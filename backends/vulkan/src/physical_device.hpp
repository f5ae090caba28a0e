// What Strata needs to know about one VkPhysicalDevice, read once without creating a VkDevice:
// identity (name, UUID, PCI address, driver), kind and what it shares with the host, queues, subgroup support, 16-bit
// arithmetic, cooperative matrices, memory and limits.
#pragma once

#include <strata/backend.h>
#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace strata_vulkan {

struct PhysicalDevice {
  VkPhysicalDevice handle = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties properties{};
  VkPhysicalDeviceMemoryProperties memory{};
  std::array<std::uint8_t, 16> device_uuid{};
  bool has_pci = false;
  std::string pci_bus_id;  // "0000:65:00.0" when VK_EXT_pci_bus_info is there
  bool has_memory_budget = false;
  bool subgroup_arithmetic = false;  // subgroupAdd/Max in compute shaders
  std::uint32_t subgroup_size = 1;
  bool float16_arithmetic = false;  // shaderFloat16
  bool push_descriptors = false;    // VK_KHR_push_descriptor
  // VK_NV_cooperative_matrix with 16 x 16 x 16 f16 x f16 -> f32 products per subgroup of 32, and
  // the features its shaders need (shaderFloat16, vulkanMemoryModel).
  bool cooperative_matrix = false;
  std::uint32_t compute_family = 0;
  std::uint32_t compute_queue_count = 0;
  std::uint64_t max_memory_allocation = 0;
  strata_device_kind kind = STRATA_DEVICE_GPU;
  strata_device_sharing sharing = STRATA_SHARING_NONE;
  std::string name;
  std::string stable_id;
  std::string driver;  // "NVIDIA 580.159.04", "llvmpipe Mesa 22.3.6 (LLVM 15.0.6)"

  const VkPhysicalDeviceLimits& limits() const { return properties.limits; }
};

// Reads a physical device; nullopt, with the reason in `why_not`, when it cannot run Strata's
// shaders (no compute queue, Vulkan older than 1.2, no timeline semaphores).
std::optional<PhysicalDevice> inspect_physical_device(VkInstance instance, VkPhysicalDevice handle,
                                                      std::string& why_not);

// Sorting key: discrete GPUs first, then integrated, virtual and CPU devices (lavapipe), so that
// vulkan:0 is the fastest kind of device present.
int kind_rank(VkPhysicalDeviceType type);

}  // namespace strata_vulkan
