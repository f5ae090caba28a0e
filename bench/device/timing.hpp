// Timing device work through the Queue API: enqueue a batch, finish, grow the batch until it
// runs long enough to measure; report seconds per iteration.
#pragma once

#include <strata/strata.hpp>

#include <functional>

namespace bench {

// `enqueue` adds one iteration of work to `queue` without waiting. One warm-up iteration runs
// first (kernel compilation, first-touch of memory).
double seconds_per_iteration(strata::Queue& queue, const std::function<void()>& enqueue, double min_seconds);

double now_seconds();

}  // namespace bench
