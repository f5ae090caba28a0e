#include "copy_bandwidth.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace strata::bench {

CopyBandwidth measure_copy_bandwidth(std::size_t bytes, int repeats) {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<std::byte[]> source(new std::byte[bytes]);
  std::unique_ptr<std::byte[]> target(new std::byte[bytes]);
  std::memset(source.get(), 1, bytes);  // touch every page before timing
  std::memset(target.get(), 0, bytes);
  const std::size_t slice = bytes / threads;
  double best = 1e30;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t)
      workers.emplace_back([&, t] { std::memcpy(target.get() + t * slice, source.get() + t * slice, slice); });
    for (std::thread& worker : workers) worker.join();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  const double copied = static_cast<double>(slice * threads);
  return {2 * copied / best, copied / best, threads};
}

}  // namespace strata::bench
