// Memory type choices: where tensors live (device-local) and where staging copies go
// (host-visible, coherent, preferably cached so that downloads read fast).
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <optional>

namespace strata_vulkan {

// The device-local type with the largest heap among `allowed` (memoryTypeBits); on a discrete GPU
// a type that is not also host-visible wins a tie, so the small BAR window is left alone.
std::optional<std::uint32_t> choose_device_memory_type(const VkPhysicalDeviceMemoryProperties& memory,
                                                       std::uint32_t allowed);

// A host-visible, host-coherent type among `allowed`, preferring cached and then not
// device-local (system memory for staging on a discrete GPU).
std::optional<std::uint32_t> choose_host_memory_type(const VkPhysicalDeviceMemoryProperties& memory,
                                                     std::uint32_t allowed);

}  // namespace strata_vulkan
