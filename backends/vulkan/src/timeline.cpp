#include "timeline.hpp"
#include "vk_struct.hpp"

#include "device.hpp"
#include "vk_error.hpp"

namespace strata_vulkan {

Timeline::Timeline(Device& device) : device_(device) {
  auto type = vk_struct<VkSemaphoreTypeCreateInfo>(VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO);
  type.semaphoreType = VK_SEMAPHORE_TYPE_TIMELINE;
  type.initialValue = 0;
  auto info = vk_struct<VkSemaphoreCreateInfo>(VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO);
  info.pNext = &type;
  check_vk(vkCreateSemaphore(device_.handle(), &info, nullptr, &semaphore_), "vkCreateSemaphore");
}

Timeline::~Timeline() { vkDestroySemaphore(device_.handle(), semaphore_, nullptr); }

std::uint64_t Timeline::completed() const {
  std::uint64_t value = 0;
  check_vk(vkGetSemaphoreCounterValue(device_.handle(), semaphore_, &value), "vkGetSemaphoreCounterValue");
  return value;
}

void Timeline::wait(std::uint64_t value) const {
  auto info = vk_struct<VkSemaphoreWaitInfo>(VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO);
  info.semaphoreCount = 1;
  info.pSemaphores = &semaphore_;
  info.pValues = &value;
  VkResult result;
  do {
    result = vkWaitSemaphores(device_.handle(), &info, UINT64_MAX);
  } while (result == VK_TIMEOUT);
  check_vk(result, "vkWaitSemaphores");
}

}  // namespace strata_vulkan
