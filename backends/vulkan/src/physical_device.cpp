#include "physical_device.hpp"
#include "vk_struct.hpp"

#include <fmt/format.h>

#include <cstring>
#include <vector>

namespace strata_vulkan {
namespace {

bool has_extension(const std::vector<VkExtensionProperties>& extensions, const char* name) {
  for (const VkExtensionProperties& extension : extensions)
    if (std::strcmp(extension.extensionName, name) == 0) return true;
  return false;
}

strata_device_kind kind_of(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return STRATA_DEVICE_CPU;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return STRATA_DEVICE_IGPU;
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return STRATA_DEVICE_GPU;
    default:
      return STRATA_DEVICE_ACCEL;
  }
}

// The shape the coopmat shaders are written for (matmul_coopmat.comp).
bool has_f16_product_16x16x16(VkInstance instance, VkPhysicalDevice handle) {
  const auto get_properties = reinterpret_cast<PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesNV>(
      vkGetInstanceProcAddr(instance, "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV"));
  if (get_properties == nullptr) return false;
  std::uint32_t count = 0;
  if (get_properties(handle, &count, nullptr) != VK_SUCCESS || count == 0) return false;
  std::vector<VkCooperativeMatrixPropertiesNV> shapes(
      count, vk_struct<VkCooperativeMatrixPropertiesNV>(VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV));
  if (get_properties(handle, &count, shapes.data()) != VK_SUCCESS) return false;
  shapes.resize(count);
  for (const VkCooperativeMatrixPropertiesNV& shape : shapes)
    if (shape.MSize == 16 && shape.NSize == 16 && shape.KSize == 16 && shape.AType == VK_COMPONENT_TYPE_FLOAT16_NV &&
        shape.BType == VK_COMPONENT_TYPE_FLOAT16_NV && shape.CType == VK_COMPONENT_TYPE_FLOAT32_NV &&
        shape.DType == VK_COMPONENT_TYPE_FLOAT32_NV && shape.scope == VK_SCOPE_SUBGROUP_NV)
      return true;
  return false;
}

// lavapipe computes on the host's cores; an integrated GPU has its own units in host memory.
strata_device_sharing sharing_of(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return STRATA_SHARING_HOST_CORES;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return STRATA_SHARING_HOST_MEMORY;
    default:
      return STRATA_SHARING_NONE;
  }
}

// driverVersion's encoding is the vendor's: NVIDIA packs 10.8.8.6 bits, others use Vulkan's.
std::string decoded_driver_version(const VkPhysicalDeviceProperties& properties) {
  const std::uint32_t v = properties.driverVersion;
  if (properties.vendorID == 0x10de)
    return fmt::format("{}.{}.{}.{}", v >> 22, (v >> 14) & 0xffu, (v >> 6) & 0xffu, v & 0x3fu);
  return fmt::format("{}.{}.{}", VK_API_VERSION_MAJOR(v), VK_API_VERSION_MINOR(v), VK_API_VERSION_PATCH(v));
}

// driverName and driverInfo (Vulkan 1.2) where the driver fills them, else the decoded number.
std::string driver_text(const VkPhysicalDeviceProperties& properties, const VkPhysicalDeviceDriverProperties& driver) {
  const std::string name(driver.driverName, strnlen(driver.driverName, VK_MAX_DRIVER_NAME_SIZE));
  const std::string info(driver.driverInfo, strnlen(driver.driverInfo, VK_MAX_DRIVER_INFO_SIZE));
  if (name.empty())
    return fmt::format("vendor {:04x} driver {}", properties.vendorID, decoded_driver_version(properties));
  return info.empty() ? fmt::format("{} {}", name, decoded_driver_version(properties)) : name + " " + info;
}

std::string hex(const std::uint8_t* bytes, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += fmt::format("{:02x}", bytes[i]);
  return text;
}

}  // namespace

int kind_rank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return 4;
    default:
      return 3;
  }
}

std::optional<PhysicalDevice> inspect_physical_device(VkInstance instance, VkPhysicalDevice handle,
                                                      std::string& why_not) {
  PhysicalDevice device;
  device.handle = handle;
  vkGetPhysicalDeviceProperties(handle, &device.properties);
  device.name = device.properties.deviceName;
  if (device.properties.apiVersion < VK_API_VERSION_1_2) {
    why_not = fmt::format("{}: Vulkan {}.{} is older than the 1.2 this backend needs", device.name,
                          VK_API_VERSION_MAJOR(device.properties.apiVersion),
                          VK_API_VERSION_MINOR(device.properties.apiVersion));
    return std::nullopt;
  }

  std::uint32_t extension_count = 0;
  vkEnumerateDeviceExtensionProperties(handle, nullptr, &extension_count, nullptr);
  std::vector<VkExtensionProperties> extensions(extension_count);
  vkEnumerateDeviceExtensionProperties(handle, nullptr, &extension_count, extensions.data());
  extensions.resize(extension_count);
  const bool pci_extension = has_extension(extensions, VK_EXT_PCI_BUS_INFO_EXTENSION_NAME);
  device.has_memory_budget = has_extension(extensions, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
  device.push_descriptors = has_extension(extensions, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
  const bool coopmat_extension = has_extension(extensions, VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);

  auto features12 = vk_struct<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
  auto coopmat_features = vk_struct<VkPhysicalDeviceCooperativeMatrixFeaturesNV>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV);
  auto features = vk_struct<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2);
  features.pNext = &features12;
  if (coopmat_extension) features12.pNext = &coopmat_features;
  vkGetPhysicalDeviceFeatures2(handle, &features);
  device.float16_arithmetic = features12.shaderFloat16 == VK_TRUE;
  if (features12.timelineSemaphore != VK_TRUE) {
    why_not = fmt::format("{}: no timeline semaphores", device.name);
    return std::nullopt;
  }

  auto pci =
      vk_struct<VkPhysicalDevicePCIBusInfoPropertiesEXT>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PCI_BUS_INFO_PROPERTIES_EXT);
  auto id = vk_struct<VkPhysicalDeviceIDProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES);
  auto subgroup = vk_struct<VkPhysicalDeviceSubgroupProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES);
  auto maintenance3 =
      vk_struct<VkPhysicalDeviceMaintenance3Properties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES);
  // Core in Vulkan 1.2, which every device here has (checked above).
  auto driver = vk_struct<VkPhysicalDeviceDriverProperties>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES);
  auto properties = vk_struct<VkPhysicalDeviceProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2);
  properties.pNext = &id;
  id.pNext = &subgroup;
  subgroup.pNext = &maintenance3;
  maintenance3.pNext = &driver;
  if (pci_extension) driver.pNext = &pci;
  vkGetPhysicalDeviceProperties2(handle, &properties);

  std::memcpy(device.device_uuid.data(), id.deviceUUID, VK_UUID_SIZE);
  device.subgroup_size = subgroup.subgroupSize;
  device.subgroup_arithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) != 0 &&
                               (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_BASIC_BIT) != 0 &&
                               (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) != 0;
  device.max_memory_allocation = maintenance3.maxMemoryAllocationSize;
  device.cooperative_matrix =
      coopmat_extension && coopmat_features.cooperativeMatrix == VK_TRUE && device.float16_arithmetic &&
      features12.vulkanMemoryModel == VK_TRUE && device.subgroup_size == 32 &&
      (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) != 0 && has_f16_product_16x16x16(instance, handle);
  if (pci_extension) {
    device.has_pci = true;
    device.pci_bus_id =
        fmt::format("{:04x}:{:02x}:{:02x}.{:x}", pci.pciDomain, pci.pciBus, pci.pciDevice, pci.pciFunction);
  }

  std::uint32_t family_count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(handle, &family_count, nullptr);
  std::vector<VkQueueFamilyProperties> families(family_count);
  vkGetPhysicalDeviceQueueFamilyProperties(handle, &family_count, families.data());
  // A compute-only family where there is one (it does not compete with graphics), else any
  // family with compute.
  bool found = false;
  for (int pass = 0; pass < 2 && !found; ++pass) {
    for (std::uint32_t i = 0; i < family_count && !found; ++i) {
      const VkQueueFlags flags = families[i].queueFlags;
      if ((flags & VK_QUEUE_COMPUTE_BIT) == 0 || families[i].queueCount == 0) continue;
      if (pass == 0 && (flags & VK_QUEUE_GRAPHICS_BIT) != 0) continue;
      device.compute_family = i;
      device.compute_queue_count = families[i].queueCount;
      found = true;
    }
  }
  if (!found) {
    why_not = fmt::format("{}: no compute queue", device.name);
    return std::nullopt;
  }

  vkGetPhysicalDeviceMemoryProperties(handle, &device.memory);
  device.kind = kind_of(device.properties.deviceType);
  device.sharing = sharing_of(device.properties.deviceType);
  device.driver = driver_text(device.properties, driver);
  device.stable_id = fmt::format("{:04x}:{:04x}:{}", device.properties.vendorID, device.properties.deviceID,
                                 device.has_pci ? device.pci_bus_id : hex(device.device_uuid.data(), 16));
  return device;
}

}  // namespace strata_vulkan
