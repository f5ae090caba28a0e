// A timeline semaphore: each queue counts its submitted batches on one, and an event is simply
// (timeline, value). Shared, so an event may outlive the queue that recorded it.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <memory>

namespace strata_vulkan {

class Device;

class Timeline {
 public:
  explicit Timeline(Device& device);
  ~Timeline();
  Timeline(const Timeline&) = delete;
  Timeline& operator=(const Timeline&) = delete;

  Device& device() const { return device_; }
  VkSemaphore handle() const { return semaphore_; }
  // Throws DEVICE_LOST when the device is gone.
  std::uint64_t completed() const;
  void wait(std::uint64_t value) const;

 private:
  Device& device_;
  VkSemaphore semaphore_ = VK_NULL_HANDLE;
};

struct Event {
  std::shared_ptr<Timeline> timeline;
  std::uint64_t value = 0;
};

}  // namespace strata_vulkan
