// Host-visible chunks that uploads and downloads pass through. A batch takes slices of a chunk
// (bump allocation); the chunk returns to the pool when that batch has completed. The pool is
// capped, so a long upload streams through a few chunks instead of growing without bound.
#pragma once

#include "device.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace strata_vulkan {

struct StagingChunk {
  RawBuffer raw;
  std::uint64_t used = 0;
};

class StagingPool {
 public:
  static constexpr std::uint64_t chunk_size = 16ull << 20;
  static constexpr std::size_t max_chunks = 4;

  explicit StagingPool(Device& device) : device_(device) {}
  ~StagingPool();
  StagingPool(const StagingPool&) = delete;
  StagingPool& operator=(const StagingPool&) = delete;

  // An empty chunk, or nullptr when all max_chunks are in use by batches in flight.
  StagingChunk* acquire();
  void release(StagingChunk* chunk);

 private:
  Device& device_;
  std::vector<std::unique_ptr<StagingChunk>> chunks_;
  std::vector<StagingChunk*> free_;
};

}  // namespace strata_vulkan
