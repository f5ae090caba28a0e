#include "pipelines.hpp"
#include "vk_struct.hpp"

#include "spirv_table.hpp"
#include "vk_error.hpp"

#include <strata_plugin/host.hpp>

#include <cstring>

namespace strata_vulkan {

const char* shader_name(Shader shader) {
  static constexpr const char* names[] = {"copy_convert",
                                          "copy_words",
                                          "binary",
                                          "unary",
                                          "norm",
                                          "norm_sg",
                                          "softmax",
                                          "softmax_sg",
                                          "rope",
                                          "embedding",
                                          "matvec_f32",
                                          "matvec_f32_sg",
                                          "matvec_f16",
                                          "matvec_f16_sg",
                                          "matvec_bf16",
                                          "matvec_bf16_sg",
                                          "matvec_rows_f32",
                                          "matvec_rows_f32_sg",
                                          "matvec_rows_f16",
                                          "matvec_rows_f16_sg",
                                          "matvec_rows_bf16",
                                          "matvec_rows_bf16_sg",
                                          "matmul_f32",
                                          "matmul_f16",
                                          "matmul_bf16",
                                          "matmul_coopmat_f16",
                                          "matmul_coopmat_bf16",
                                          "attention",
                                          "attention_sg",
                                          "attention_combine"};
  static_assert(std::size(names) == shader_count, "one name per Shader");
  return names[static_cast<std::uint32_t>(shader)];
}

Pipelines::Pipelines(VkDevice device, const VkPhysicalDeviceProperties& properties, bool push_descriptors)
    : device_(device) {
  VkDescriptorSetLayoutBinding bindings[binding_count];
  for (std::uint32_t i = 0; i < binding_count; ++i) {
    bindings[i] = {};
    bindings[i].binding = i;
    bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    bindings[i].descriptorCount = 1;
    bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
  }
  auto set_info = vk_struct<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
  if (push_descriptors) set_info.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
  set_info.bindingCount = binding_count;
  set_info.pBindings = bindings;
  check_vk(vkCreateDescriptorSetLayout(device_, &set_info, nullptr, &set_layout_), "vkCreateDescriptorSetLayout");

  VkPushConstantRange push{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_constant_bytes};
  auto layout_info = vk_struct<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &set_layout_;
  layout_info.pushConstantRangeCount = 1;
  layout_info.pPushConstantRanges = &push;
  if (VkResult result = vkCreatePipelineLayout(device_, &layout_info, nullptr, &layout_); result != VK_SUCCESS) {
    vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
    check_vk(result, "vkCreatePipelineLayout");
  }

  const PipelineCacheKey key = PipelineCacheKey::of(properties);
  cache_file_ = open_pipeline_cache_file(key);
  if (cache_file_) loaded_cache_ = read_pipeline_cache(*cache_file_, key);
  auto cache_info = vk_struct<VkPipelineCacheCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO);
  cache_info.initialDataSize = loaded_cache_.size();
  cache_info.pInitialData = loaded_cache_.empty() ? nullptr : loaded_cache_.data();
  VkResult result = vkCreatePipelineCache(device_, &cache_info, nullptr, &cache_);
  if (result != VK_SUCCESS && !loaded_cache_.empty()) {
    // The driver refused the data after all: start empty.
    strata_plugin::log(STRATA_LOG_WARNING,
                       "vulkan: the driver refused the pipeline cache " + cache_file_->path().string());
    loaded_cache_.clear();
    cache_info.initialDataSize = 0;
    cache_info.pInitialData = nullptr;
    result = vkCreatePipelineCache(device_, &cache_info, nullptr, &cache_);
  }
  if (result != VK_SUCCESS) cache_ = VK_NULL_HANDLE;  // work without a cache
  if (!loaded_cache_.empty())
    strata_plugin::log(STRATA_LOG_INFO, fmt::format("vulkan: loaded {} bytes of pipeline cache from {}",
                                                    loaded_cache_.size(), cache_file_->path().string()));
}

Pipelines::~Pipelines() {
  save_cache();
  for (VkPipeline pipeline : pipelines_)
    if (pipeline != VK_NULL_HANDLE) vkDestroyPipeline(device_, pipeline, nullptr);
  if (cache_ != VK_NULL_HANDLE) vkDestroyPipelineCache(device_, cache_, nullptr);
  vkDestroyPipelineLayout(device_, layout_, nullptr);
  vkDestroyDescriptorSetLayout(device_, set_layout_, nullptr);
}

void Pipelines::save_cache() {
  if (cache_ == VK_NULL_HANDLE || !cache_file_ || !created_any_) return;
  std::size_t size = 0;
  if (vkGetPipelineCacheData(device_, cache_, &size, nullptr) != VK_SUCCESS || size == 0) return;
  std::vector<std::uint8_t> data(size);
  if (vkGetPipelineCacheData(device_, cache_, &size, data.data()) != VK_SUCCESS) return;
  data.resize(size);
  if (data == loaded_cache_) return;  // nothing new: leave the file alone
  write_pipeline_cache(*cache_file_, data);
}

VkPipeline Pipelines::get(Shader shader) {
  const auto index = static_cast<std::uint32_t>(shader);
  std::lock_guard lock(mutex_);
  if (pipelines_[index] != VK_NULL_HANDLE) return pipelines_[index];

  const char* name = shader_name(shader);
  const SpirvBlob* blob = nullptr;
  for (const SpirvBlob& candidate : spirv_blobs())
    if (std::strcmp(candidate.name, name) == 0) blob = &candidate;
  if (blob == nullptr) strata_plugin::fail(STRATA_STATUS_INTERNAL, "vulkan: shader {} is not embedded", name);

  auto module_info = vk_struct<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
  module_info.codeSize = blob->word_count * sizeof(std::uint32_t);
  module_info.pCode = blob->words;
  VkShaderModule module = VK_NULL_HANDLE;
  check_vk(vkCreateShaderModule(device_, &module_info, nullptr, &module), "vkCreateShaderModule");

  auto info = vk_struct<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
  info.stage = vk_struct<VkPipelineShaderStageCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO);
  info.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  info.stage.module = module;
  info.stage.pName = "main";
  info.layout = layout_;
  VkPipeline pipeline = VK_NULL_HANDLE;
  const VkResult result = vkCreateComputePipelines(device_, cache_, 1, &info, nullptr, &pipeline);
  vkDestroyShaderModule(device_, module, nullptr);
  check_vk(result, "vkCreateComputePipelines");
  pipelines_[index] = pipeline;
  created_any_ = true;
  return pipeline;
}

}  // namespace strata_vulkan
