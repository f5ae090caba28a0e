#include "timing.hpp"

#include <chrono>

namespace bench {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double seconds_per_iteration(strata::Queue& queue, const std::function<void()>& enqueue, double min_seconds) {
  enqueue();
  queue.finish();
  int iterations = 1;
  while (true) {
    const double start = now_seconds();
    for (int i = 0; i < iterations; ++i) enqueue();
    queue.finish();
    const double elapsed = now_seconds() - start;
    if (elapsed >= min_seconds || iterations >= (1 << 16)) return elapsed / iterations;
    iterations *= elapsed > 0 ? std::max(2, static_cast<int>(min_seconds / elapsed * 1.2)) : 2;
  }
}

}  // namespace bench
