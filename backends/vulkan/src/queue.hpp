// strata_queue: an in-order stream of work on one device. Work is recorded into a command buffer
// (a "batch") and submitted once per queue_submit call, together with the uploads and copies
// enqueued before it; pipeline barriers go only between dependent commands. Each batch signals
// the queue's timeline semaphore, which is what events, finish and buffer recycling wait on.
#pragma once

#include "buffer.hpp"
#include "device.hpp"
#include "hazard_tracker.hpp"
#include "shaders.hpp"
#include "staging.hpp"
#include "timeline.hpp"

#include <strata/backend.h>
#include <vulkan/vulkan.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace strata_vulkan {

// Which shaders run MATMUL with M > 1, read from STRATA_VULKAN_MATMUL when a queue is created:
// "auto" (the default: cooperative matrices where the device has them), "coopmat" (required;
// the queue is not created without them) or "tiled" (the portable shader only).
enum class MatmulEngine { automatic, coopmat, tiled };

class Queue {
 public:
  explicit Queue(Device& device);
  // Waits for the queue's work, then frees it.
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  Device& device() { return device_; }
  // MATMUL with f16/bf16 weights and M > 1 may use the cooperative-matrix shaders.
  bool coopmat_matmul() const { return coopmat_matmul_; }

  void write(Buffer& dst, std::uint64_t offset, const void* src, std::uint64_t size);
  void read(Buffer& src, std::uint64_t offset, void* dst, std::uint64_t size);
  void copy(Buffer& src, std::uint64_t src_offset, Buffer& dst, std::uint64_t dst_offset, std::uint64_t size);
  // Validates every op first (nothing is enqueued when one is invalid), records, submits once.
  void submit(std::span<const strata_op> ops);
  void finish();
  Event record_event();
  void wait_event(const Event& event);

  // The last timeline value that may use buffers this queue has seen; any thread may ask.
  Event horizon() const { return {timeline_, recorded_value_.load(std::memory_order_acquire)}; }

  // ---- Recording, for the op encoders: bind slots, then dispatch. ----
  // Binds the tensor's bytes to `slot`; returns the tensor's offset, in elements of its dtype,
  // from the start of the binding (bindings start at aligned offsets).
  std::uint32_t bind(std::uint32_t slot, const strata_tensor& tensor, bool written);
  // Copies the tensor's bytes into the queue's scratch buffer and binds that copy instead, for
  // conversions whose output overlaps their input.
  std::uint32_t bind_scratch_copy(std::uint32_t slot, const strata_tensor& tensor);
  void bind_status(std::uint32_t slot);
  // Binds the first `bytes` of the queue's scratch buffer (f32 elements); returns 0.
  std::uint32_t bind_scratch(std::uint32_t slot, std::uint64_t bytes, bool written);
  // `groups` workgroups, spread over x and y when there are more than one dimension allows.
  void dispatch(Shader shader, const void* params, std::uint32_t params_size, std::uint64_t groups);
  void dispatch_grid(Shader shader, const void* params, std::uint32_t params_size, std::uint32_t groups_x,
                     std::uint32_t groups_y);
  void copy_bytes(VkBuffer src, std::uint64_t src_offset, VkBuffer dst, std::uint64_t dst_offset, std::uint64_t size);
  // A copy between device buffers: a compute shader when offsets and size are multiples of 4
  // (NVIDIA's vkCmdCopyBuffer reaches well under half the bandwidth), else vkCmdCopyBuffer.
  void copy_device(const RawBuffer& src, std::uint64_t src_offset, const RawBuffer& dst, std::uint64_t dst_offset,
                   std::uint64_t size);

  template <typename Params>
  void dispatch(Shader shader, const Params& params, std::uint64_t groups) {
    static_assert(sizeof(Params) <= push_constant_bytes && sizeof(Params) % 4 == 0);
    dispatch(shader, &params, sizeof(Params), groups);
  }
  template <typename Params>
  void dispatch_grid(Shader shader, const Params& params, std::uint32_t groups_x, std::uint32_t groups_y) {
    static_assert(sizeof(Params) <= push_constant_bytes && sizeof(Params) % 4 == 0);
    dispatch_grid(shader, &params, sizeof(Params), groups_x, groups_y);
  }

 private:
  struct Batch {
    VkCommandBuffer commands = VK_NULL_HANDLE;
    std::vector<VkDescriptorPool> pools;
    std::size_t pools_used = 0;
    std::uint32_t sets_left = 0;
    std::vector<StagingChunk*> chunks;
    std::vector<std::shared_ptr<void>> keep_alive;
    HazardTracker hazards;
    VkPipeline bound_pipeline = VK_NULL_HANDLE;
    std::uint64_t value = 0;
    bool has_commands = false;
    std::uint32_t command_count = 0;  // recorded since the batch was opened
  };
  struct StagingSlice {
    VkBuffer buffer;
    std::uint64_t offset;
    std::uint8_t* host;
  };

  Batch& open_batch();
  void flush();
  void wait_until(std::uint64_t value);
  void retire_completed();
  void recycle(std::unique_ptr<Batch> batch);
  void destroy_batch(Batch& batch);
  VkDescriptorSet allocate_set(Batch& batch);
  StagingSlice staging_slice(std::uint64_t size);
  // The queue's scratch buffer, at least `size` bytes, kept alive by the open batch.
  VkBuffer scratch_buffer(std::uint64_t size);
  void barrier_if_needed(Batch& batch);
  void note_command(Batch& batch);
  void clear_bindings();
  std::uint32_t bind_range(std::uint32_t slot, VkBuffer buffer, std::uint64_t buffer_size, std::uint64_t offset,
                           std::uint64_t bytes, std::uint32_t unit, bool written);
  void throw_if_failed() const;
  // After a wait: the first of a recorded failure, a validation error, a device-side error flag.
  void check_health();
  [[noreturn]] void fail_queue(strata_status_code code, const std::string& message);

  Device& device_;
  bool coopmat_matmul_ = false;
  HardwareQueue& hardware_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  std::shared_ptr<Timeline> timeline_;
  StagingPool staging_;
  RawBuffer status_;
  std::shared_ptr<RawBuffer> scratch_;

  std::unique_ptr<Batch> open_;
  std::deque<std::unique_ptr<Batch>> in_flight_;
  std::vector<std::unique_ptr<Batch>> spare_;
  std::vector<Event> pending_waits_;
  std::uint64_t submitted_ = 0;
  std::atomic<std::uint64_t> recorded_value_{0};

  // The bindings of the dispatch being prepared.
  std::array<VkDescriptorBufferInfo, binding_count> bindings_{};
  std::array<bool, binding_count> bound_{};
  std::vector<ByteRange> reads_;
  std::vector<ByteRange> writes_;

  strata_status_code failure_code_ = STRATA_STATUS_OK;
  std::string failure_;
};

inline Queue* from_handle(strata_queue* handle) { return reinterpret_cast<Queue*>(handle); }
inline strata_queue* to_handle(Queue* queue) { return reinterpret_cast<strata_queue*>(queue); }

}  // namespace strata_vulkan
