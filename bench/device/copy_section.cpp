// (a) Device copy bandwidth: queue.copy of one large buffer into another. Counted as bytes
// read plus bytes written, the usual convention for device-to-device copies, so it estimates
// the device memory bandwidth that every later ratio refers to.
#include "bench.hpp"
#include "timing.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace bench {

void run_copy_section(const strata::Device& device, const Options& options, Report& report) {
  std::uint64_t bytes = options.quick ? (16ull << 20) : (512ull << 20);
  if (const auto total = device.info().memory_total) bytes = std::min(bytes, *total / 8);
  strata::Buffer src = device.allocate(bytes);
  strata::Buffer dst = device.allocate(bytes);
  strata::Queue queue = device.create_queue();
  const double seconds = seconds_per_iteration(
      queue, [&] { queue.copy(src, 0, dst, 0, bytes); }, options.quick ? 0.02 : 0.5);
  report.add({"copy", fmt::format("device copy, {} MiB (read + write)", bytes >> 20),
              2.0 * static_cast<double>(bytes) / seconds / 1e9, "GB/s"});
}

}  // namespace bench
