#include "hazard_tracker.hpp"

namespace strata_vulkan {
namespace {

bool overlaps(const ByteRange& a, const ByteRange& b) {
  return a.buffer == b.buffer && a.begin < b.end && b.begin < a.end;
}

bool any_overlap(std::span<const ByteRange> some, const std::vector<ByteRange>& others) {
  for (const ByteRange& a : some)
    for (const ByteRange& b : others)
      if (overlaps(a, b)) return true;
  return false;
}

}  // namespace

bool HazardTracker::needs_barrier(std::span<const ByteRange> reads, std::span<const ByteRange> writes) const {
  if (fresh_) return true;
  return any_overlap(reads, writes_) || any_overlap(writes, writes_) || any_overlap(writes, reads_);
}

void HazardTracker::add(std::span<const ByteRange> reads, std::span<const ByteRange> writes) {
  reads_.insert(reads_.end(), reads.begin(), reads.end());
  writes_.insert(writes_.end(), writes.begin(), writes.end());
}

void HazardTracker::clear() {
  reads_.clear();
  writes_.clear();
  fresh_ = false;
}

}  // namespace strata_vulkan
