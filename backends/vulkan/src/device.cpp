#include "device.hpp"
#include "vk_struct.hpp"

#include "instance.hpp"
#include "memory_types.hpp"
#include "pipelines.hpp"
#include "queue.hpp"
#include "vk_error.hpp"

#include <strata_plugin/host.hpp>
#include <strata_safe_io/environment.hpp>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace strata_vulkan {
namespace {

constexpr VkBufferUsageFlags buffer_usage =
    VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
constexpr std::uint32_t max_hardware_queues = 4;

// The variable is set to something other than "" or "0".
bool set_in_environment(const char* variable) {
  const std::optional<std::string> value = strata::safe_io::environment_variable(variable);
  return value && *value != "0";
}

}  // namespace

Device::Device(Instance& instance, PhysicalDevice physical) : instance_(instance), physical_(std::move(physical)) {
  const auto type = choose_device_memory_type(physical_.memory, ~0u);
  heap_index_ = type ? physical_.memory.memoryTypes[*type].heapIndex : 0;
  // STRATA_VULKAN_NO_SUBGROUPS=1 and STRATA_VULKAN_NO_COOPMAT=1 force the portable paths (the
  // tests use them to cover the fallbacks on devices that have the features; the second also
  // leaves the features off). Push descriptors are opt-in, STRATA_VULKAN_PUSH_DESCRIPTORS=1: on an
  // H200 they were no faster than descriptor pools (docs/vulkan-backend.md).
  subgroups_ = physical_.subgroup_arithmetic && !set_in_environment("STRATA_VULKAN_NO_SUBGROUPS");
  push_descriptors_ = physical_.push_descriptors && set_in_environment("STRATA_VULKAN_PUSH_DESCRIPTORS");
  cooperative_matrix_ = physical_.cooperative_matrix && !set_in_environment("STRATA_VULKAN_NO_COOPMAT");
}

Device::~Device() {
  if (device_ == VK_NULL_HANDLE) return;
  vkDeviceWaitIdle(device_);
  for (Retired& retired : retired_) destroy_buffer(retired.raw);
  retired_.clear();  // their events hold timeline semaphores of this VkDevice
  pipelines_.reset();
  destroy_buffer(dummy_);
  vkDestroyDevice(device_, nullptr);
}

void Device::start() {
  if (started_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(start_mutex_);
  if (started_.load(std::memory_order_relaxed)) return;

  const std::uint32_t queue_count = std::min(physical_.compute_queue_count, max_hardware_queues);
  const std::vector<float> priorities(queue_count, 1.0f);
  auto queue_info = vk_struct<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  queue_info.queueFamilyIndex = physical_.compute_family;
  queue_info.queueCount = queue_count;
  queue_info.pQueuePriorities = priorities.data();

  auto features12 = vk_struct<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
  features12.timelineSemaphore = VK_TRUE;
  auto coopmat = vk_struct<VkPhysicalDeviceCooperativeMatrixFeaturesNV>(
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV);
  std::vector<const char*> extensions;
  if (physical_.has_memory_budget) extensions.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
  if (physical_.has_pci) extensions.push_back(VK_EXT_PCI_BUS_INFO_EXTENSION_NAME);
  if (push_descriptors_) extensions.push_back(VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
  if (cooperative_matrix_) {
    // The coopmat shaders are the only ones with f16 arithmetic and the Vulkan memory model.
    extensions.push_back(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
    coopmat.cooperativeMatrix = VK_TRUE;
    features12.shaderFloat16 = VK_TRUE;
    features12.vulkanMemoryModel = VK_TRUE;
    features12.pNext = &coopmat;
  }

  auto info = vk_struct<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO);
  info.pNext = &features12;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue_info;
  info.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  VkDevice device = VK_NULL_HANDLE;
  check_vk(vkCreateDevice(physical_.handle, &info, nullptr, &device), "vkCreateDevice");
  device_ = device;

  try {
    if (push_descriptors_) {
      push_descriptor_set_ =
          reinterpret_cast<PFN_vkCmdPushDescriptorSetKHR>(vkGetDeviceProcAddr(device_, "vkCmdPushDescriptorSetKHR"));
      if (push_descriptor_set_ == nullptr) push_descriptors_ = false;
    }
    // Which memory types accept our buffers is only known from a real buffer's requirements.
    auto probe_info = vk_struct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
    probe_info.size = 256;
    probe_info.usage = buffer_usage;
    probe_info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    VkBuffer probe = VK_NULL_HANDLE;
    check_vk(vkCreateBuffer(device_, &probe_info, nullptr, &probe), "vkCreateBuffer");
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(device_, probe, &requirements);
    vkDestroyBuffer(device_, probe, nullptr);
    const auto device_type = choose_device_memory_type(physical_.memory, requirements.memoryTypeBits);
    const auto host_type = choose_host_memory_type(physical_.memory, requirements.memoryTypeBits);
    if (!device_type || !host_type)
      strata_plugin::fail(STRATA_STATUS_UNAVAILABLE, "vulkan: {} offers no usable memory type for storage buffers",
                          physical_.name);
    device_memory_type_ = *device_type;
    host_memory_type_ = *host_type;

    for (std::uint32_t i = 0; i < queue_count; ++i) {
      auto queue = std::make_unique<HardwareQueue>();
      vkGetDeviceQueue(device_, physical_.compute_family, i, &queue->queue);
      queues_.push_back(std::move(queue));
    }
    pipelines_ = std::make_unique<Pipelines>(device_, physical_.properties, push_descriptors_);
    dummy_ = create_buffer(256, false);
  } catch (...) {
    pipelines_.reset();
    destroy_buffer(dummy_);
    vkDestroyDevice(device_, nullptr);
    device_ = VK_NULL_HANDLE;
    queues_.clear();
    throw;
  }
  const auto on_off = [](bool on) { return on ? "on" : "off"; };
  strata_plugin::log(STRATA_LOG_DEBUG,
                     fmt::format("vulkan: started {} ({} queue(s); subgroup reductions {}, push descriptors {}, "
                                 "cooperative matrices with f16 arithmetic {})",
                                 physical_.name, queue_count, on_off(subgroups_), on_off(push_descriptors_),
                                 on_off(cooperative_matrix_)));
  started_.store(true, std::memory_order_release);
}

HardwareQueue& Device::next_queue() {
  const std::uint32_t index = next_queue_.fetch_add(1, std::memory_order_relaxed);
  return *queues_[index % queues_.size()];
}

std::uint64_t Device::memory_total() const { return physical_.memory.memoryHeaps[heap_index_].size; }

std::uint64_t Device::memory_free() const {
  const std::uint64_t total = memory_total();
  if (physical_.has_memory_budget) {
    auto budget = vk_struct<VkPhysicalDeviceMemoryBudgetPropertiesEXT>(
        VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT);
    auto memory = vk_struct<VkPhysicalDeviceMemoryProperties2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2);
    memory.pNext = &budget;
    vkGetPhysicalDeviceMemoryProperties2(physical_.handle, &memory);
    const std::uint64_t limit = std::min<std::uint64_t>(budget.heapBudget[heap_index_], total);
    const std::uint64_t used = budget.heapUsage[heap_index_];
    return limit > used ? limit - used : 0;
  }
  const std::uint64_t used = allocated_.load(std::memory_order_relaxed);
  return total > used ? total - used : 0;
}

std::uint64_t Device::binding_alignment() const {
  return std::max<std::uint64_t>(physical_.limits().minStorageBufferOffsetAlignment, 16);
}

RawBuffer Device::create_device_buffer(std::uint64_t size) { return create_buffer(size, false); }

RawBuffer Device::create_host_buffer(std::uint64_t size) { return create_buffer(size, true); }

RawBuffer Device::create_buffer(std::uint64_t size, bool host) {
  // Padded to 16 bytes so that word and vector loads of a tensor's last elements stay inside.
  if (size > physical_.max_memory_allocation - 15)
    strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY,
                        "vulkan: {} bytes is more than {} allows in one allocation (maxMemoryAllocationSize {})", size,
                        physical_.name, physical_.max_memory_allocation);
  if (size > memory_total())
    strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "vulkan: {} bytes is more than {} has ({} bytes)", size,
                        physical_.name, memory_total());
  const std::uint64_t padded = (size + 15) & ~std::uint64_t{15};
  RawBuffer raw;
  raw.size = padded;
  auto info = vk_struct<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  info.size = padded;
  info.usage = buffer_usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check_vk(vkCreateBuffer(device_, &info, nullptr, &raw.buffer), "vkCreateBuffer");
  VkMemoryRequirements requirements;
  vkGetBufferMemoryRequirements(device_, raw.buffer, &requirements);
  auto allocate = vk_struct<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  allocate.allocationSize = requirements.size;
  allocate.memoryTypeIndex = host ? host_memory_type_ : device_memory_type_;
  VkResult result = vkAllocateMemory(device_, &allocate, nullptr, &raw.memory);
  if (result == VK_SUCCESS) result = vkBindBufferMemory(device_, raw.buffer, raw.memory, 0);
  if (result == VK_SUCCESS && host) result = vkMapMemory(device_, raw.memory, 0, VK_WHOLE_SIZE, 0, &raw.mapped);
  if (result != VK_SUCCESS) {
    if (raw.memory != VK_NULL_HANDLE) vkFreeMemory(device_, raw.memory, nullptr);
    vkDestroyBuffer(device_, raw.buffer, nullptr);
    if (status_for(result) == STRATA_STATUS_OUT_OF_MEMORY)
      strata_plugin::fail(STRATA_STATUS_OUT_OF_MEMORY, "vulkan: {} could not allocate {} bytes ({})", physical_.name,
                          size, result_name(result));
    check_vk(result, "vkAllocateMemory");
  }
  if (!host) allocated_.fetch_add(requirements.size, std::memory_order_relaxed);
  raw.size = padded;
  return raw;
}

void Device::destroy_buffer(RawBuffer& buffer) {
  if (buffer.buffer == VK_NULL_HANDLE) return;
  if (buffer.mapped == nullptr) {
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(device_, buffer.buffer, &requirements);
    allocated_.fetch_sub(requirements.size, std::memory_order_relaxed);
  }
  vkDestroyBuffer(device_, buffer.buffer, nullptr);
  vkFreeMemory(device_, buffer.memory, nullptr);  // unmaps too
  buffer = RawBuffer{};
}

}  // namespace strata_vulkan

namespace strata_vulkan {

void Device::register_queue(Queue* queue) {
  std::lock_guard lock(retire_mutex_);
  live_queues_.push_back(queue);
}

void Device::unregister_queue(Queue* queue) {
  std::lock_guard lock(retire_mutex_);
  std::erase(live_queues_, queue);
}

void Device::retire_buffer(RawBuffer raw) {
  std::lock_guard lock(retire_mutex_);
  Retired retired{raw, {}};
  for (Queue* queue : live_queues_) {
    Event horizon = queue->horizon();
    if (horizon.value > horizon.timeline->completed()) retired.waits.push_back(std::move(horizon));
  }
  if (retired.waits.empty()) {
    destroy_buffer(retired.raw);
    return;
  }
  retired_.push_back(std::move(retired));
}

void Device::collect_retired() {
  std::lock_guard lock(retire_mutex_);
  std::erase_if(retired_, [&](Retired& retired) {
    std::erase_if(retired.waits, [](const Event& wait) { return wait.timeline->completed() >= wait.value; });
    if (!retired.waits.empty()) return false;
    destroy_buffer(retired.raw);
    return true;
  });
}

}  // namespace strata_vulkan
