#include "instance.hpp"
#include "vk_struct.hpp"

#include "vk_error.hpp"

#include <strata_plugin/host.hpp>
#include <strata_safe_io/environment.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace strata_vulkan {
namespace {

constexpr const char* validation_layer = "VK_LAYER_KHRONOS_validation";

bool layer_installed(const char* name) {
  std::uint32_t count = 0;
  if (vkEnumerateInstanceLayerProperties(&count, nullptr) != VK_SUCCESS) return false;
  std::vector<VkLayerProperties> layers(count);
  if (vkEnumerateInstanceLayerProperties(&count, layers.data()) < 0) return false;
  for (const VkLayerProperties& layer : layers)
    if (std::strcmp(layer.layerName, name) == 0) return true;
  return false;
}

}  // namespace

InstanceOptions InstanceOptions::from_environment() {
  InstanceOptions options;
  if (const std::optional<std::string> value = strata::safe_io::environment_variable("STRATA_VULKAN_VALIDATION")) {
    const std::string_view text(*value);
    options.validation = !text.empty() && text != "0";
    options.validation_selftest = text == "selftest";
  }
  return options;
}

Instance::Instance(const InstanceOptions& options) {
  auto app = vk_struct<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
  app.pApplicationName = "strata";
  app.pEngineName = "strata";
  app.apiVersion = VK_API_VERSION_1_2;

  auto info = vk_struct<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
  info.pApplicationInfo = &app;

  std::vector<const char*> layers;
  std::vector<const char*> extensions;
  auto messenger_info =
      vk_struct<VkDebugUtilsMessengerCreateInfoEXT>(VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT);
  const VkValidationFeatureEnableEXT enabled_features[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  auto features = vk_struct<VkValidationFeaturesEXT>(VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT);
  if (options.validation) {
    if (!layer_installed(validation_layer))
      strata_plugin::fail(STRATA_STATUS_UNAVAILABLE,
                          "vulkan: STRATA_VULKAN_VALIDATION is set but {} is not installed (Debian: "
                          "vulkan-validationlayers)",
                          validation_layer);
    layers.push_back(validation_layer);
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    extensions.push_back(VK_EXT_VALIDATION_FEATURES_EXTENSION_NAME);
    messenger_info.messageSeverity =
        VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    messenger_info.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                                 VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                                 VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    messenger_info.pfnUserCallback = &Instance::on_message;
    messenger_info.pUserData = this;
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enabled_features;
    // The messenger in pNext also sees vkCreateInstance and vkDestroyInstance.
    features.pNext = &messenger_info;
    info.pNext = &features;
  }
  info.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  info.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  check_vk(vkCreateInstance(&info, nullptr, &instance_), "vkCreateInstance");

  if (options.validation) {
    auto create = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
    const VkResult result =
        create != nullptr ? create(instance_, &messenger_info, nullptr, &messenger_) : VK_ERROR_EXTENSION_NOT_PRESENT;
    if (result != VK_SUCCESS) {
      vkDestroyInstance(instance_, nullptr);
      check_vk(result, "vkCreateDebugUtilsMessengerEXT");
    }
    strata_plugin::log(STRATA_LOG_INFO, "vulkan: validation layer on, with synchronization validation");
    if (options.validation_selftest) {
      auto submit = reinterpret_cast<PFN_vkSubmitDebugUtilsMessageEXT>(
          vkGetInstanceProcAddr(instance_, "vkSubmitDebugUtilsMessageEXT"));
      auto data =
          vk_struct<VkDebugUtilsMessengerCallbackDataEXT>(VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CALLBACK_DATA_EXT);
      data.pMessageIdName = "strata-selftest";
      data.pMessage = "synthetic validation error injected by STRATA_VULKAN_VALIDATION=selftest";
      if (submit != nullptr)
        submit(instance_, VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT, VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT,
               &data);
    }
  }
}

Instance::~Instance() {
  if (messenger_ != VK_NULL_HANDLE) {
    auto destroy = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy != nullptr) destroy(instance_, messenger_, nullptr);
  }
  vkDestroyInstance(instance_, nullptr);
  if (unreported_count_ != 0) {
    // Errors seen while tearing down have no call left to fail: in validation mode that is
    // still a failure, so stop the process loudly rather than let a test pass.
    std::fprintf(stderr, "strata vulkan: %llu validation error(s) never reported; first: %s\n",
                 static_cast<unsigned long long>(unreported_count_), unreported_error_.c_str());
    std::abort();
  }
}

std::vector<VkPhysicalDevice> Instance::physical_devices() const {
  std::uint32_t count = 0;
  check_vk(vkEnumeratePhysicalDevices(instance_, &count, nullptr), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDevice> devices(count);
  check_vk(vkEnumeratePhysicalDevices(instance_, &count, devices.data()), "vkEnumeratePhysicalDevices");
  devices.resize(count);
  return devices;
}

std::string Instance::take_validation_error() {
  if (messenger_ == VK_NULL_HANDLE) return {};
  std::lock_guard lock(mutex_);
  if (unreported_count_ == 0) return {};
  std::string message = unreported_count_ == 1
                            ? unreported_error_
                            : unreported_error_ + " (and " + std::to_string(unreported_count_ - 1) + " more)";
  unreported_error_.clear();
  unreported_count_ = 0;
  return message;
}

void Instance::record_error(const char* message) {
  std::lock_guard lock(mutex_);
  if (unreported_count_ == 0) unreported_error_ = message;
  ++unreported_count_;
}

VKAPI_ATTR VkBool32 VKAPI_CALL Instance::on_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                    VkDebugUtilsMessageTypeFlagsEXT types,
                                                    const VkDebugUtilsMessengerCallbackDataEXT* data, void* self) {
  const char* message = data != nullptr && data->pMessage != nullptr ? data->pMessage : "(no message)";
  const bool error = (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0 &&
                     (types & VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT) != 0;
  strata_plugin::log(error ? STRATA_LOG_ERROR : STRATA_LOG_WARNING, std::string("vulkan validation: ") + message);
  if (error) static_cast<Instance*>(self)->record_error(message);
  return VK_FALSE;  // never abort the call itself
}

}  // namespace strata_vulkan
