// Zero-initialised Vulkan structs with their sType set: `T x{sType}` would trip
// -Wmissing-field-initializers.
#pragma once

#include <vulkan/vulkan.h>

namespace strata_vulkan {

template <typename T>
T vk_struct(VkStructureType type) {
  T value{};
  value.sType = type;
  return value;
}

}  // namespace strata_vulkan
