// (c) Matmul (M > 1, prefill-like): GFLOP/s for M = 512 with square weights, and the ratio to
// the device's own peak estimate when it gives one.
#include "bench.hpp"
#include "random_fill.hpp"
#include "timing.hpp"

#include <fmt/format.h>

namespace bench {

void run_matmul_section(const strata::Device& device, const Options& options, Report& report) {
  struct Case {
    std::int64_t m, n, k;
    strata::DType dtype;
  };
  const std::vector<Case> cases =
      options.quick ? std::vector<Case>{{64, 64, 64, strata::DType::f32}, {64, 256, 256, strata::DType::f16}}
                    : std::vector<Case>{{512, 512, 512, strata::DType::f32},
                                        {512, 2048, 2048, strata::DType::f32},
                                        {512, 2048, 2048, strata::DType::f16}};
  const double peak = device.info().peak_flops;
  for (const std::string& engine : matmul_engines(device, options)) {
    std::optional<strata::Queue> made = make_queue(device, engine);
    if (!made) continue;
    strata::Queue& queue = *made;
    for (const Case& c : cases) {
      strata::Tensor x(device, strata::DType::f32, {c.m, c.k});
      strata::Tensor w(device, c.dtype, {c.n, c.k});
      strata::Tensor y(device, strata::DType::f32, {c.m, c.n});
      const std::size_t count = static_cast<std::size_t>(c.n * c.k);
      queue.write(w.buffer(), 0, c.dtype == strata::DType::f16 ? random_f16(count, 3) : random_f32(count, 3));
      queue.write(x.buffer(), 0, random_f32(static_cast<std::size_t>(c.m * c.k), 4));
      const strata::Op op = strata::ops::matmul(x, w, std::nullopt, y);
      const double seconds = seconds_per_iteration(
          queue, [&] { queue.submit(op); }, options.quick ? 0.02 : 0.3);
      const double gflops = 2.0 * static_cast<double>(c.m * c.n * c.k) / seconds / 1e9;
      Row row{"matmul",
              fmt::format("M={} N={} K={} {} weights{}", c.m, c.n, c.k, strata::to_string(c.dtype),
                          engine == "default" ? "" : " [" + engine + "]"),
              gflops, "GFLOP/s"};
      if (peak > 0) {
        row.ratio = gflops * 1e9 / peak;
        row.ratio_to = "peak estimate";
      }
      report.add(row);
    }
  }
}

}  // namespace bench
