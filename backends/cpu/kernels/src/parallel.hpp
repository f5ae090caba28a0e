// How the kernels split work over TBB: in chunks large enough that scheduling costs little,
// and not at all when the whole job is smaller than one chunk.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdint>

namespace strata_cpu {

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
  tbb::parallel_for(tbb::blocked_range<std::int64_t>(0, count, grain),
                    [&](const tbb::blocked_range<std::int64_t>& range) { body(range.begin(), range.end()); });
}

}  // namespace strata_cpu
