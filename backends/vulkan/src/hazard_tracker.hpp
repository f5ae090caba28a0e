// Decides where a command buffer needs a pipeline barrier: a command that reads what an earlier
// command of the batch wrote (read after write), or writes what one read or wrote, must wait;
// independent commands (the q, k and v projections of one layer) run without barriers between.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <span>
#include <vector>

namespace strata_vulkan {

struct ByteRange {
  VkBuffer buffer = VK_NULL_HANDLE;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;  // one past the last byte
};

class HazardTracker {
 public:
  // True when the command must wait for commands recorded since the last barrier. A new batch
  // starts out needing one: earlier batches on the same queue may have written anything.
  bool needs_barrier(std::span<const ByteRange> reads, std::span<const ByteRange> writes) const;
  void add(std::span<const ByteRange> reads, std::span<const ByteRange> writes);
  // After a barrier: everything before it is visible to everything after.
  void clear();
  void reset() {
    clear();
    fresh_ = true;
  }

 private:
  std::vector<ByteRange> reads_;
  std::vector<ByteRange> writes_;
  bool fresh_ = true;
};

}  // namespace strata_vulkan
