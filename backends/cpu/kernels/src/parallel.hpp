// How the kernels split work over TBB: in chunks large enough that scheduling costs little,
// and not at all when the whole job is smaller than one chunk.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace strata_cpu {

// tbb::parallel_for over `range`. ThreadSanitizer cannot see how TBB (not instrumented) hands
// work to its threads and waits for them: the caller's writes before the loop and the chunks'
// accesses would look unordered. Under it, each chunk acquires what the caller released and
// releases what the caller then acquires, the order TBB guarantees. Nothing in other builds.
template <typename Range, typename Body>
void parallel_for_ordered(const Range& range, const Body& body) {
#if defined(__SANITIZE_THREAD__)
  int order = 0;
  __tsan_release(&order);
  tbb::parallel_for(range, [&](const Range& chunk) {
    __tsan_acquire(&order);
    body(chunk);
    __tsan_release(&order);
  });
  __tsan_acquire(&order);
#else
  tbb::parallel_for(range, body);
#endif
}

// Work (in elements touched) below which a task is not worth its scheduling cost.
inline constexpr std::int64_t min_task_work = 16 * 1024;

// Calls body(begin, end) over [0, count) in parallel, each chunk doing at least
// ~min_task_work units when an item costs `item_work` units.
template <typename Body>
void parallel_chunks(std::int64_t count, std::int64_t item_work, Body&& body) {
  if (count <= 0) return;
  const std::int64_t grain = std::max<std::int64_t>(1, min_task_work / std::max<std::int64_t>(1, item_work));
  if (count <= grain) {
    body(std::int64_t{0}, count);
    return;
  }
  parallel_for_ordered(tbb::blocked_range<std::int64_t>(0, count, grain),
                       [&](const tbb::blocked_range<std::int64_t>& range) { body(range.begin(), range.end()); });
}

}  // namespace strata_cpu
