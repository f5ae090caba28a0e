#include "copy_bandwidth.hpp"

#include <strata/queue.hpp>

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

namespace {

double device_copy_bytes_per_second(const Device& device, std::uint64_t bytes, int repeats) {
  const Buffer source = device.allocate(bytes);
  const Buffer target = device.allocate(bytes);
  Queue queue = device.create_queue();
  queue.copy(source, 0, target, 0, bytes);  // warm-up: first touch, lazy allocation
  queue.finish();
  double best = 1e30;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    queue.copy(source, 0, target, 0, bytes);
    queue.finish();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return 2.0 * static_cast<double>(bytes) / best;
}

}  // namespace

DeviceBandwidth measure_device_bandwidth(const Runtime& runtime, const Device& device, std::uint64_t bytes,
                                         int repeats) {
  DeviceBandwidth best{device_copy_bytes_per_second(device, bytes, repeats), device.name()};
  const std::string physical = device.info().physical_id();
  if (physical.empty()) return best;
  for (const Device& other : runtime.devices()) {
    if (other == device || other.info().physical_id() != physical) continue;
    const double figure = device_copy_bytes_per_second(other, bytes, repeats);
    if (figure > best.bytes_per_second) best = {figure, other.name()};
  }
  return best;
}

}  // namespace strata::bench
