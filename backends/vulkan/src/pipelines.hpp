// Compute pipelines of one device: created on first use, once per device, through a
// VkPipelineCache that is loaded from and saved to disk (pipeline_cache_file.hpp).
#pragma once

#include "pipeline_cache_file.hpp"
#include "shaders.hpp"

#include <vulkan/vulkan.h>

#include <array>
#include <filesystem>
#include <mutex>
#include <vector>

namespace strata_vulkan {

class Pipelines {
 public:
  // With `push_descriptors`, the set layout is one for vkCmdPushDescriptorSetKHR.
  Pipelines(VkDevice device, const VkPhysicalDeviceProperties& properties, bool push_descriptors);
  // Saves the cache when it changed, then destroys everything.
  ~Pipelines();
  Pipelines(const Pipelines&) = delete;
  Pipelines& operator=(const Pipelines&) = delete;

  // Thread-safe; throws when the driver cannot build the pipeline.
  VkPipeline get(Shader shader);
  VkPipelineLayout layout() const { return layout_; }
  VkDescriptorSetLayout set_layout() const { return set_layout_; }

 private:
  void save_cache();

  VkDevice device_;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipelineCache cache_ = VK_NULL_HANDLE;
  std::optional<PipelineCacheFile> cache_file_;
  std::vector<std::uint8_t> loaded_cache_;
  std::mutex mutex_;
  std::array<VkPipeline, shader_count> pipelines_{};
  bool created_any_ = false;
};

}  // namespace strata_vulkan
