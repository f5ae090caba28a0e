// The VkInstance of one started backend, optionally with the Khronos validation layer whose
// errors are collected so that the next queue call can fail with them.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace strata_vulkan {

struct InstanceOptions {
  // STRATA_VULKAN_VALIDATION=1: VK_LAYER_KHRONOS_validation with synchronization validation; every
  // validation error fails a later queue call. "selftest" also injects one synthetic error so a
  // test can prove the path works.
  bool validation = false;
  bool validation_selftest = false;

  static InstanceOptions from_environment();
};

class Instance {
 public:
  // Throws strata_plugin::Error (UNAVAILABLE when there is no usable loader or driver, or when
  // validation was asked for and the layer is not installed).
  explicit Instance(const InstanceOptions& options);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  VkInstance handle() const { return instance_; }
  std::vector<VkPhysicalDevice> physical_devices() const;

  bool validation() const { return messenger_ != VK_NULL_HANDLE; }
  // The first validation error not yet reported, cleared by the call; "" when there is none.
  std::string take_validation_error();

 private:
  static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                   VkDebugUtilsMessageTypeFlagsEXT types,
                                                   const VkDebugUtilsMessengerCallbackDataEXT* data, void* self);
  void record_error(const char* message);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  std::mutex mutex_;
  std::string unreported_error_;
  std::uint64_t unreported_count_ = 0;
};

}  // namespace strata_vulkan
