// One Strata device = one VkPhysicalDevice with a compute queue. The VkDevice, its queues and
// pipelines are created on first use, so listing devices stays cheap.
#pragma once

#include "physical_device.hpp"
#include "timeline.hpp"

#include <vulkan/vulkan.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace strata_vulkan {

class Instance;
class Pipelines;
class Queue;

// A VkBuffer with its own memory; `mapped` is set for host-visible ones.
struct RawBuffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  std::uint64_t size = 0;  // of the VkBuffer
  void* mapped = nullptr;
};

// A VkQueue may be used by one thread at a time; Strata queues share them round robin.
struct HardwareQueue {
  VkQueue queue = VK_NULL_HANDLE;
  std::mutex mutex;
};

class Device {
 public:
  Device(Instance& instance, PhysicalDevice physical);
  // Waits for the device, saves the pipeline cache, destroys the VkDevice.
  ~Device();
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  const PhysicalDevice& physical() const { return physical_; }
  Instance& instance() { return instance_; }

  // Creates the VkDevice on first call; thread-safe. Throws when the driver refuses.
  void start();
  VkDevice handle() const { return device_; }
  Pipelines& pipelines() { return *pipelines_; }
  HardwareQueue& next_queue();

  // The heap tensors are allocated from, and what is left of it: VK_EXT_memory_budget where the
  // driver has it, else the heap size minus what this plugin allocated.
  std::uint64_t memory_total() const;
  std::uint64_t memory_free() const;

  // Device-local storage buffer; throws OUT_OF_MEMORY with the reason when it cannot be had.
  RawBuffer create_device_buffer(std::uint64_t size);
  // Host-visible, coherent, mapped; for staging and status flags.
  RawBuffer create_host_buffer(std::uint64_t size);
  void destroy_buffer(RawBuffer& buffer);

  // Bound to the descriptor slots an op does not use.
  VkBuffer dummy_buffer() const { return dummy_.buffer; }
  // Storage-buffer bindings start at multiples of this (>= 16, for 16-byte vector loads).
  std::uint64_t binding_alignment() const;
  std::uint64_t max_binding_range() const { return physical_.limits().maxStorageBufferRange; }
  bool subgroups() const { return subgroups_; }
  // Descriptors pushed into the command buffer (VK_KHR_push_descriptor, asked for with
  // STRATA_VULKAN_PUSH_DESCRIPTORS=1) rather than allocated from pools and written one set per
  // dispatch; known once the device has started.
  bool push_descriptors() const { return push_descriptors_; }
  PFN_vkCmdPushDescriptorSetKHR push_descriptor_set() const { return push_descriptor_set_; }
  // The matmul shaders for the matrix units (matmul_coopmat.comp) can run here.
  bool cooperative_matrix() const { return cooperative_matrix_; }

  // A buffer freed while a queue may still use it is destroyed only once that queue's work up to
  // the free has completed (like clReleaseMemObject), so freeing early never faults the GPU.
  void register_queue(Queue* queue);
  void unregister_queue(Queue* queue);
  void retire_buffer(RawBuffer raw);
  // Destroys the retired buffers whose work has completed.
  void collect_retired();

 private:
  struct Retired {
    RawBuffer raw;
    std::vector<Event> waits;
  };

  RawBuffer create_buffer(std::uint64_t size, bool host);

  Instance& instance_;
  PhysicalDevice physical_;
  std::uint32_t heap_index_ = 0;
  bool subgroups_ = false;
  bool push_descriptors_ = false;
  bool cooperative_matrix_ = false;
  PFN_vkCmdPushDescriptorSetKHR push_descriptor_set_ = nullptr;

  std::mutex start_mutex_;
  std::atomic<bool> started_{false};
  VkDevice device_ = VK_NULL_HANDLE;
  std::uint32_t device_memory_type_ = 0;
  std::uint32_t host_memory_type_ = 0;
  std::vector<std::unique_ptr<HardwareQueue>> queues_;
  std::atomic<std::uint32_t> next_queue_{0};
  std::unique_ptr<Pipelines> pipelines_;
  RawBuffer dummy_;
  std::atomic<std::uint64_t> allocated_{0};

  std::mutex retire_mutex_;
  std::vector<Queue*> live_queues_;
  std::vector<Retired> retired_;
};

}  // namespace strata_vulkan
