#include "queue.hpp"
#include "vk_struct.hpp"

#include "encode_op.hpp"
#include "instance.hpp"
#include "op_support.hpp"
#include "pipelines.hpp"
#include "vk_error.hpp"

#include <strata_plugin/dtype.hpp>
#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>
#include <strata_safe_io/environment.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace strata_vulkan {
namespace {

constexpr std::uint32_t sets_per_pool = 256;
// A long queue_submit (a whole token of a model, ~380 ops) is submitted in pieces, so that the
// GPU starts on the first layers while the CPU still records the rest; the first piece is small
// so that the GPU starts early. A Session's per-layer submit (~20 commands) stays one piece.
constexpr std::uint32_t first_piece_commands = 32;
constexpr std::uint32_t piece_commands = 64;
// The compute copy: a word per invocation at least, at most this many workgroups of 256 (the
// rest is grid-stride), and bindings of at most 1 GiB per dispatch (32-bit word indices).
constexpr std::uint64_t copy_max_groups = 65535;
constexpr std::uint64_t copy_max_piece = 1ull << 30;
constexpr std::uint32_t status_bad_embedding_id = 1u;

constexpr VkAccessFlags all_writes = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
constexpr VkAccessFlags all_accesses =
    VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
constexpr VkPipelineStageFlags work_stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;

std::uint64_t round_up(std::uint64_t value, std::uint64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

void check_range(const Buffer& buffer, std::uint64_t offset, std::uint64_t size, const char* what) {
  if (offset > buffer.size || size > buffer.size - offset)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT,
                        "vulkan: {}: {} bytes at offset {} overrun a buffer of {} bytes", what, size, offset,
                        buffer.size);
}

MatmulEngine matmul_engine_from_environment() {
  const std::optional<std::string> text = strata::safe_io::environment_variable("STRATA_VULKAN_MATMUL");
  if (!text || *text == "auto") return MatmulEngine::automatic;
  if (*text == "coopmat") return MatmulEngine::coopmat;
  if (*text == "tiled") return MatmulEngine::tiled;
  strata_plugin::log(STRATA_LOG_WARNING,
                     fmt::format("vulkan: STRATA_VULKAN_MATMUL={} is not auto, coopmat or tiled; using auto", *text));
  return MatmulEngine::automatic;
}

bool use_coopmat_matmul(const Device& device) {
  switch (matmul_engine_from_environment()) {
    case MatmulEngine::tiled:
      return false;
    case MatmulEngine::coopmat:
      if (!device.cooperative_matrix())
        strata_plugin::fail(STRATA_STATUS_UNAVAILABLE,
                            "vulkan: STRATA_VULKAN_MATMUL=coopmat, but {} offers no VK_NV_cooperative_matrix with "
                            "16x16x16 f16 products (and shaderFloat16, vulkanMemoryModel, subgroups of 32), or "
                            "STRATA_VULKAN_NO_COOPMAT is set; unset STRATA_VULKAN_MATMUL to use the portable shaders",
                            device.physical().name);
      return true;
    case MatmulEngine::automatic:
      break;
  }
  return device.cooperative_matrix();
}

void check_device(const Buffer& buffer, const Device& device, const char* what) {
  if (buffer.device != &device)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "vulkan: {}: the buffer belongs to another device", what);
}

}  // namespace

Queue::Queue(Device& device)
    : device_(device), coopmat_matmul_(use_coopmat_matmul(device)), hardware_(device.next_queue()), staging_(device) {
  auto info = vk_struct<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  info.queueFamilyIndex = device_.physical().compute_family;
  check_vk(vkCreateCommandPool(device_.handle(), &info, nullptr, &pool_), "vkCreateCommandPool");
  try {
    timeline_ = std::make_shared<Timeline>(device_);
    status_ = device_.create_host_buffer(16);
    std::memset(status_.mapped, 0, 16);
  } catch (...) {
    device_.destroy_buffer(status_);
    timeline_.reset();
    vkDestroyCommandPool(device_.handle(), pool_, nullptr);
    throw;
  }
  device_.register_queue(this);
}

Queue::~Queue() {
  try {
    if (failure_.empty()) {
      flush();
      wait_until(submitted_);
    }
  } catch (const std::exception& error) {
    strata_plugin::log(STRATA_LOG_ERROR, std::string("vulkan: destroying a queue: ") + error.what());
  }
  if (!failure_.empty()) {
    std::lock_guard lock(hardware_.mutex);
    vkQueueWaitIdle(hardware_.queue);  // nothing may still run when we free
  }
  device_.unregister_queue(this);
  if (open_) destroy_batch(*open_);
  for (auto& batch : in_flight_) {
    for (StagingChunk* chunk : batch->chunks) staging_.release(chunk);
    destroy_batch(*batch);
  }
  for (auto& batch : spare_) destroy_batch(*batch);
  device_.destroy_buffer(status_);
  vkDestroyCommandPool(device_.handle(), pool_, nullptr);
}

void Queue::destroy_batch(Batch& batch) {
  for (VkDescriptorPool pool : batch.pools) vkDestroyDescriptorPool(device_.handle(), pool, nullptr);
  batch.pools.clear();
}

// ---- Batches ----------------------------------------------------------------------------

Queue::Batch& Queue::open_batch() {
  if (open_) return *open_;
  retire_completed();
  std::unique_ptr<Batch> batch;
  if (!spare_.empty()) {
    batch = std::move(spare_.back());
    spare_.pop_back();
  } else {
    batch = std::make_unique<Batch>();
    auto info = vk_struct<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    info.commandPool = pool_;
    info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    info.commandBufferCount = 1;
    check_vk(vkAllocateCommandBuffers(device_.handle(), &info, &batch->commands), "vkAllocateCommandBuffers");
  }
  auto begin = vk_struct<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  if (VkResult result = vkBeginCommandBuffer(batch->commands, &begin); result != VK_SUCCESS) {
    spare_.push_back(std::move(batch));
    check_vk(result, "vkBeginCommandBuffer");
  }
  batch->hazards.reset();
  batch->bound_pipeline = VK_NULL_HANDLE;
  batch->has_commands = false;
  batch->command_count = 0;
  open_ = std::move(batch);
  return *open_;
}

void Queue::flush() {
  if (!open_ || !open_->has_commands) return;
  Batch& batch = *open_;
  // Make the batch's writes visible to the host: downloads, and the status flags.
  auto to_host = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  to_host.srcAccessMask = all_writes;
  to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(batch.commands, work_stages, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &to_host, 0, nullptr, 0, nullptr);
  if (VkResult result = vkEndCommandBuffer(batch.commands); result != VK_SUCCESS)
    fail_queue(status_for(result), std::string("vulkan: vkEndCommandBuffer failed: ") + result_name(result));

  const std::uint64_t value = submitted_ + 1;
  std::vector<VkSemaphore> wait_semaphores;
  std::vector<std::uint64_t> wait_values;
  std::vector<VkPipelineStageFlags> wait_stages;
  for (const Event& wait : pending_waits_) {
    wait_semaphores.push_back(wait.timeline->handle());
    wait_values.push_back(wait.value);
    wait_stages.push_back(VK_PIPELINE_STAGE_ALL_COMMANDS_BIT);
  }
  const VkSemaphore signal = timeline_->handle();
  auto timeline_info = vk_struct<VkTimelineSemaphoreSubmitInfo>(VK_STRUCTURE_TYPE_TIMELINE_SEMAPHORE_SUBMIT_INFO);
  timeline_info.waitSemaphoreValueCount = static_cast<std::uint32_t>(wait_values.size());
  timeline_info.pWaitSemaphoreValues = wait_values.data();
  timeline_info.signalSemaphoreValueCount = 1;
  timeline_info.pSignalSemaphoreValues = &value;
  auto submit = vk_struct<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  submit.pNext = &timeline_info;
  submit.waitSemaphoreCount = static_cast<std::uint32_t>(wait_semaphores.size());
  submit.pWaitSemaphores = wait_semaphores.data();
  submit.pWaitDstStageMask = wait_stages.data();
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &batch.commands;
  submit.signalSemaphoreCount = 1;
  submit.pSignalSemaphores = &signal;
  VkResult result;
  {
    std::lock_guard lock(hardware_.mutex);
    result = vkQueueSubmit(hardware_.queue, 1, &submit, VK_NULL_HANDLE);
  }
  if (result != VK_SUCCESS)
    fail_queue(status_for(result), std::string("vulkan: vkQueueSubmit failed: ") + result_name(result));
  submitted_ = value;
  batch.value = value;
  pending_waits_.clear();
  in_flight_.push_back(std::move(open_));
}

void Queue::wait_until(std::uint64_t value) {
  try {
    timeline_->wait(value);
  } catch (const strata_plugin::Error& error) {
    fail_queue(error.code(), error.what());
  }
  retire_completed();
}

void Queue::retire_completed() {
  if (in_flight_.empty()) return;
  const std::uint64_t completed = timeline_->completed();
  while (!in_flight_.empty() && in_flight_.front()->value <= completed) {
    recycle(std::move(in_flight_.front()));
    in_flight_.pop_front();
  }
}

void Queue::recycle(std::unique_ptr<Batch> batch) {
  for (StagingChunk* chunk : batch->chunks) staging_.release(chunk);
  batch->chunks.clear();
  batch->keep_alive.clear();
  for (VkDescriptorPool pool : batch->pools) vkResetDescriptorPool(device_.handle(), pool, 0);
  batch->pools_used = 0;
  batch->sets_left = 0;
  spare_.push_back(std::move(batch));
}

VkDescriptorSet Queue::allocate_set(Batch& batch) {
  if (batch.sets_left == 0) {
    if (batch.pools_used == batch.pools.size()) {
      VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, sets_per_pool * binding_count};
      auto info = vk_struct<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
      info.maxSets = sets_per_pool;
      info.poolSizeCount = 1;
      info.pPoolSizes = &size;
      VkDescriptorPool pool = VK_NULL_HANDLE;
      check_vk(vkCreateDescriptorPool(device_.handle(), &info, nullptr, &pool), "vkCreateDescriptorPool");
      batch.pools.push_back(pool);
    }
    ++batch.pools_used;
    batch.sets_left = sets_per_pool;
  }
  const VkDescriptorSetLayout layout = device_.pipelines().set_layout();
  auto info = vk_struct<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
  info.descriptorPool = batch.pools[batch.pools_used - 1];
  info.descriptorSetCount = 1;
  info.pSetLayouts = &layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  check_vk(vkAllocateDescriptorSets(device_.handle(), &info, &set), "vkAllocateDescriptorSets");
  --batch.sets_left;
  return set;
}

Queue::StagingSlice Queue::staging_slice(std::uint64_t size) {
  for (;;) {
    Batch& batch = open_batch();
    if (!batch.chunks.empty()) {
      StagingChunk* chunk = batch.chunks.back();
      const std::uint64_t start = round_up(chunk->used, 16);
      if (start + size <= StagingPool::chunk_size) {
        chunk->used = start + size;
        return {chunk->raw.buffer, start, static_cast<std::uint8_t*>(chunk->raw.mapped) + start};
      }
    }
    if (StagingChunk* chunk = staging_.acquire()) {
      batch.chunks.push_back(chunk);
      continue;
    }
    // Every chunk belongs to a batch: submit this one and wait for the oldest to free its chunks.
    flush();
    if (in_flight_.empty())
      strata_plugin::fail(STRATA_STATUS_INTERNAL, "vulkan: staging exhausted with nothing in flight");
    wait_until(in_flight_.front()->value);
  }
}

// ---- Recording ---------------------------------------------------------------------------

void Queue::barrier_if_needed(Batch& batch) {
  if (!batch.hazards.needs_barrier(reads_, writes_)) return;
  auto barrier = vk_struct<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  barrier.srcAccessMask = all_writes;
  barrier.dstAccessMask = all_accesses;
  vkCmdPipelineBarrier(batch.commands, work_stages, work_stages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
  batch.hazards.clear();
}

void Queue::note_command(Batch& batch) {
  batch.hazards.add(reads_, writes_);
  batch.has_commands = true;
  ++batch.command_count;
  recorded_value_.store(submitted_ + 1, std::memory_order_release);
  clear_bindings();
}

void Queue::clear_bindings() {
  bound_.fill(false);
  reads_.clear();
  writes_.clear();
}

std::uint32_t Queue::bind_range(std::uint32_t slot, VkBuffer buffer, std::uint64_t buffer_size, std::uint64_t offset,
                                std::uint64_t bytes, std::uint32_t unit, bool written) {
  const std::uint64_t alignment = device_.binding_alignment();
  const std::uint64_t base = offset / alignment * alignment;
  const std::uint64_t range = std::min(round_up(offset - base + bytes, 16), buffer_size - base);
  if (range > device_.max_binding_range())
    strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "vulkan: a tensor spans {} bytes; {} binds at most {}", range,
                        device_.physical().name, device_.max_binding_range());
  bindings_[slot] = {buffer, base, range};
  bound_[slot] = true;
  (written ? writes_ : reads_).push_back({buffer, offset, offset + bytes});
  return static_cast<std::uint32_t>((offset - base) / unit);
}

std::uint32_t Queue::bind(std::uint32_t slot, const strata_tensor& tensor, bool written) {
  const Buffer* buffer = from_handle(tensor.buffer);
  return bind_range(slot, buffer->raw.buffer, buffer->raw.size, tensor.offset, strata_plugin::byte_size(tensor),
                    static_cast<std::uint32_t>(strata_plugin::dtype_size(tensor.dtype)), written);
}

std::uint32_t Queue::bind_scratch_copy(std::uint32_t slot, const strata_tensor& tensor) {
  const std::uint64_t bytes = strata_plugin::byte_size(tensor);
  scratch_buffer(bytes);
  const std::shared_ptr<RawBuffer> scratch = scratch_;
  // The copy is a command of its own; keep the bindings made so far for the dispatch.
  const auto saved_bindings = bindings_;
  const auto saved_bound = bound_;
  const auto saved_reads = reads_;
  const auto saved_writes = writes_;
  clear_bindings();
  const Buffer* source = from_handle(tensor.buffer);
  copy_device(source->raw, tensor.offset, *scratch, 0, bytes);
  bindings_ = saved_bindings;
  bound_ = saved_bound;
  reads_ = saved_reads;
  writes_ = saved_writes;
  return bind_range(slot, scratch->buffer, scratch->size, 0, bytes,
                    static_cast<std::uint32_t>(strata_plugin::dtype_size(tensor.dtype)), false);
}

std::uint32_t Queue::bind_scratch(std::uint32_t slot, std::uint64_t bytes, bool written) {
  const VkBuffer scratch = scratch_buffer(bytes);
  return bind_range(slot, scratch, scratch_->size, 0, bytes, 4, written);
}

VkBuffer Queue::scratch_buffer(std::uint64_t size) {
  if (!scratch_ || scratch_->size < size) {
    Device* device = &device_;
    // Batches in flight keep the old one alive until they complete.
    scratch_ = std::shared_ptr<RawBuffer>(new RawBuffer(device_.create_device_buffer(size)), [device](RawBuffer* old) {
      device->destroy_buffer(*old);
      delete old;
    });
  }
  open_batch().keep_alive.push_back(scratch_);
  return scratch_->buffer;
}

void Queue::bind_status(std::uint32_t slot) {
  // Only ever atomically or-ed, never read by a shader: no hazard to track.
  bindings_[slot] = {status_.buffer, 0, status_.size};
  bound_[slot] = true;
}

void Queue::dispatch(Shader shader, const void* params, std::uint32_t params_size, std::uint64_t groups) {
  const std::uint64_t max_x = std::min<std::uint64_t>(device_.physical().limits().maxComputeWorkGroupCount[0], 65535);
  const std::uint64_t x = std::max<std::uint64_t>(1, std::min(groups, max_x));
  const std::uint64_t y = std::max<std::uint64_t>(1, (groups + x - 1) / x);
  if (y > device_.physical().limits().maxComputeWorkGroupCount[1])
    strata_plugin::fail(STRATA_STATUS_UNSUPPORTED, "vulkan: {} workgroups are more than one dispatch holds", groups);
  dispatch_grid(shader, params, params_size, static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(y));
}

void Queue::dispatch_grid(Shader shader, const void* params, std::uint32_t params_size, std::uint32_t groups_x,
                          std::uint32_t groups_y) {
  Batch& batch = open_batch();
  Pipelines& pipelines = device_.pipelines();
  const VkPipeline pipeline = pipelines.get(shader);
  barrier_if_needed(batch);

  VkDescriptorBufferInfo infos[binding_count];
  VkWriteDescriptorSet writes[binding_count];
  for (std::uint32_t i = 0; i < binding_count; ++i) {
    infos[i] = bound_[i] ? bindings_[i] : VkDescriptorBufferInfo{device_.dummy_buffer(), 0, VK_WHOLE_SIZE};
    writes[i] = vk_struct<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  if (batch.bound_pipeline != pipeline) {
    vkCmdBindPipeline(batch.commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    batch.bound_pipeline = pipeline;
  }
  if (device_.push_descriptors()) {
    // Recorded into the command buffer: no set to allocate, write and bind per dispatch.
    device_.push_descriptor_set()(batch.commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipelines.layout(), 0, binding_count,
                                  writes);
  } else {
    const VkDescriptorSet set = allocate_set(batch);
    for (VkWriteDescriptorSet& write : writes) write.dstSet = set;
    vkUpdateDescriptorSets(device_.handle(), binding_count, writes, 0, nullptr);
    vkCmdBindDescriptorSets(batch.commands, VK_PIPELINE_BIND_POINT_COMPUTE, pipelines.layout(), 0, 1, &set, 0, nullptr);
  }
  vkCmdPushConstants(batch.commands, pipelines.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, params_size, params);
  vkCmdDispatch(batch.commands, groups_x, groups_y, 1);
  note_command(batch);
}

void Queue::copy_bytes(VkBuffer src, std::uint64_t src_offset, VkBuffer dst, std::uint64_t dst_offset,
                       std::uint64_t size) {
  Batch& batch = open_batch();
  reads_.push_back({src, src_offset, src_offset + size});
  writes_.push_back({dst, dst_offset, dst_offset + size});
  barrier_if_needed(batch);
  const VkBufferCopy region{src_offset, dst_offset, size};
  vkCmdCopyBuffer(batch.commands, src, dst, 1, &region);
  note_command(batch);
}

void Queue::copy_device(const RawBuffer& src, std::uint64_t src_offset, const RawBuffer& dst, std::uint64_t dst_offset,
                        std::uint64_t size) {
  if (((src_offset | dst_offset | size) & 3u) != 0) {
    copy_bytes(src.buffer, src_offset, dst.buffer, dst_offset, size);
    return;
  }
  struct CopyWordsParams {
    std::uint32_t words, src_off, dst_off;
  };
  // Each piece's bindings start up to one alignment before its offsets.
  const std::uint64_t alignment = device_.binding_alignment();
  const std::uint64_t limit =
      device_.max_binding_range() > alignment + 16 ? device_.max_binding_range() - alignment : 0;
  const std::uint64_t max_piece = std::min(copy_max_piece, limit / 16 * 16);
  if (max_piece == 0) {
    copy_bytes(src.buffer, src_offset, dst.buffer, dst_offset, size);
    return;
  }
  while (size > 0) {
    const std::uint64_t piece = std::min(size, max_piece);
    CopyWordsParams params{};
    params.words = static_cast<std::uint32_t>(piece / 4);
    params.src_off = bind_range(0, src.buffer, src.size, src_offset, piece, 4, false);
    params.dst_off = bind_range(output_binding, dst.buffer, dst.size, dst_offset, piece, 4, true);
    const std::uint64_t units = (params.src_off | params.dst_off) % 4 == 0 ? piece / 16 + 1 : piece / 4;
    const std::uint64_t groups = std::clamp<std::uint64_t>((units + 255) / 256, 1, copy_max_groups);
    dispatch_grid(Shader::copy_words, params, static_cast<std::uint32_t>(groups), 1);
    src_offset += piece;
    dst_offset += piece;
    size -= piece;
  }
}

// ---- The queue entries ---------------------------------------------------------------------

void Queue::write(Buffer& dst, std::uint64_t offset, const void* src, std::uint64_t size) {
  throw_if_failed();
  check_device(dst, device_, "queue_write");
  check_range(dst, offset, size, "queue_write");
  if (size != 0 && src == nullptr)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "vulkan: queue_write: src is NULL");
  const auto* bytes = static_cast<const std::uint8_t*>(src);
  while (size > 0) {
    const std::uint64_t piece = std::min(size, StagingPool::chunk_size);
    const StagingSlice slice = staging_slice(piece);
    std::memcpy(slice.host, bytes, piece);
    copy_bytes(slice.buffer, slice.offset, dst.raw.buffer, offset, piece);
    bytes += piece;
    offset += piece;
    size -= piece;
  }
}

void Queue::read(Buffer& src, std::uint64_t offset, void* dst, std::uint64_t size) {
  throw_if_failed();
  check_device(src, device_, "queue_read");
  check_range(src, offset, size, "queue_read");
  if (size != 0 && dst == nullptr)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "vulkan: queue_read: dst is NULL");
  if (size == 0) {
    finish();
    return;
  }
  auto* bytes = static_cast<std::uint8_t*>(dst);
  bool first = true;
  while (size > 0) {
    const std::uint64_t piece = std::min(size, StagingPool::chunk_size);
    const StagingSlice slice = staging_slice(piece);
    copy_bytes(src.raw.buffer, offset, slice.buffer, slice.offset, piece);
    flush();
    wait_until(submitted_);
    if (first) check_health();  // an error of earlier work fails the read before it writes dst
    first = false;
    std::memcpy(bytes, slice.host, piece);
    bytes += piece;
    offset += piece;
    size -= piece;
  }
}

void Queue::copy(Buffer& src, std::uint64_t src_offset, Buffer& dst, std::uint64_t dst_offset, std::uint64_t size) {
  throw_if_failed();
  check_device(src, device_, "queue_copy");
  check_device(dst, device_, "queue_copy");
  check_range(src, src_offset, size, "queue_copy source");
  check_range(dst, dst_offset, size, "queue_copy destination");
  if (size == 0 || (&src == &dst && src_offset == dst_offset)) return;
  const bool overlap = &src == &dst && src_offset < dst_offset + size && dst_offset < src_offset + size;
  if (!overlap) {
    copy_device(src.raw, src_offset, dst.raw, dst_offset, size);
    return;
  }
  // Neither vkCmdCopyBuffer nor one dispatch copies overlapping regions safely: go through the
  // scratch buffer (memmove).
  scratch_buffer(size);
  const std::shared_ptr<RawBuffer> scratch = scratch_;
  copy_device(src.raw, src_offset, *scratch, 0, size);
  copy_device(*scratch, 0, dst.raw, dst_offset, size);
}

void Queue::submit(std::span<const strata_op> ops) {
  throw_if_failed();
  for (const strata_op& op : ops) check_op_for_submit(device_, op);
  try {
    std::uint32_t piece = first_piece_commands;
    for (const strata_op& op : ops) {
      encode_op(*this, op);
      if (open_ && open_->command_count >= piece) {
        flush();
        piece = piece_commands;
      }
    }
  } catch (const strata_plugin::Error& error) {
    // Part of the call is recorded and cannot be taken back: the queue's stream is broken.
    fail_queue(error.code(), error.what());
  }
  flush();
}

void Queue::finish() {
  throw_if_failed();
  flush();
  wait_until(submitted_);
  device_.collect_retired();
  check_health();
}

Event Queue::record_event() {
  throw_if_failed();
  flush();
  return {timeline_, submitted_};
}

void Queue::wait_event(const Event& event) {
  throw_if_failed();
  if (event.timeline == timeline_) return;  // a queue is in order already
  flush();
  if (&event.timeline->device() != &device_) {
    event.timeline->wait(event.value);  // another VkDevice: its semaphore cannot be waited on here
    return;
  }
  pending_waits_.push_back(event);
}

// ---- Errors --------------------------------------------------------------------------------

void Queue::throw_if_failed() const {
  if (!failure_.empty()) throw strata_plugin::Error(failure_code_, failure_);
}

void Queue::check_health() {
  throw_if_failed();
  const std::string validation = device_.instance().take_validation_error();
  if (!validation.empty()) strata_plugin::fail(STRATA_STATUS_INTERNAL, "vulkan validation error: {}", validation);
  auto* flags = static_cast<std::uint32_t*>(status_.mapped);
  const std::uint32_t raised = flags[0];
  if (raised == 0) return;
  flags[0] = 0;
  if ((raised & status_bad_embedding_id) != 0)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT,
                        "vulkan: embedding: an id was outside [0, vocabulary size); its output row was set to zeros");
  strata_plugin::fail(STRATA_STATUS_INTERNAL, "vulkan: a shader raised the unknown error flags {:#x}", raised);
}

void Queue::fail_queue(strata_status_code code, const std::string& message) {
  failure_code_ = code;
  failure_ = message;
  if (open_) {
    for (StagingChunk* chunk : open_->chunks) staging_.release(chunk);
    open_->chunks.clear();
    vkResetCommandBuffer(open_->commands, 0);
    recycle(std::move(open_));
  }
  throw strata_plugin::Error(code, message);
}

}  // namespace strata_vulkan
