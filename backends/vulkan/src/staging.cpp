#include "staging.hpp"

namespace strata_vulkan {

StagingPool::~StagingPool() {
  for (auto& chunk : chunks_) device_.destroy_buffer(chunk->raw);
}

StagingChunk* StagingPool::acquire() {
  if (!free_.empty()) {
    StagingChunk* chunk = free_.back();
    free_.pop_back();
    chunk->used = 0;
    return chunk;
  }
  if (chunks_.size() >= max_chunks) return nullptr;
  auto chunk = std::make_unique<StagingChunk>();
  chunk->raw = device_.create_host_buffer(chunk_size);
  chunks_.push_back(std::move(chunk));
  return chunks_.back().get();
}

void StagingPool::release(StagingChunk* chunk) { free_.push_back(chunk); }

}  // namespace strata_vulkan
