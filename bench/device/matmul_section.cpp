// (c) Matmul (M > 1, prefill-like): GFLOP/s for M = 512 with square weights; each engine against
// the baseline engine measured in the same run, and the baseline against the device's own peak
// estimate when it gives one.
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
                                        {512, 2048, 2048, strata::DType::f16},
                                        {2048, 4096, 4096, strata::DType::f16}};
  const double peak = device.info().peak_flops;
  const std::vector<std::string> engines = matmul_engines(device, options);
  // GFLOP/s per engine and case, then the rows: every engine but the last against the last one
  // (the baseline) side by side, the baseline against the device's peak estimate when it has one.
  std::vector<std::vector<double>> measured(engines.size(), std::vector<double>(cases.size(), 0.0));
  for (std::size_t e = 0; e < engines.size(); ++e) {
    std::optional<strata::Queue> made = make_queue(device, engines[e]);
    if (!made) continue;
    strata::Queue& queue = *made;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      strata::Tensor x(device, strata::DType::f32, {c.m, c.k});
      strata::Tensor w(device, c.dtype, {c.n, c.k});
      strata::Tensor y(device, strata::DType::f32, {c.m, c.n});
      const std::size_t count = static_cast<std::size_t>(c.n * c.k);
      queue.write(w.buffer(), 0, c.dtype == strata::DType::f16 ? random_f16(count, 3) : random_f32(count, 3));
      queue.write(x.buffer(), 0, random_f32(static_cast<std::size_t>(c.m * c.k), 4));
      const strata::Op op = strata::ops::matmul(x, w, std::nullopt, y);
      const double seconds = seconds_per_iteration(
          queue, [&] { queue.submit(op); }, options.quick ? 0.02 : 0.3);
      measured[e][i] = 2.0 * static_cast<double>(c.m * c.n * c.k) / seconds / 1e9;
    }
  }
  const std::size_t baseline = engines.size() - 1;
  for (std::size_t e = 0; e < engines.size(); ++e) {
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (measured[e][i] <= 0) continue;
      const Case& c = cases[i];
      Row row{"matmul",
              fmt::format("M={} N={} K={} {} weights{}", c.m, c.n, c.k, strata::to_string(c.dtype),
                          engines[e] == "default" ? "" : " [" + engines[e] + "]"),
              measured[e][i], "GFLOP/s"};
      if (e != baseline && measured[baseline][i] > 0) {
        row.ratio = measured[e][i] / measured[baseline][i];
        row.ratio_to = engines[baseline];
      } else if (peak > 0) {
        row.ratio = measured[e][i] * 1e9 / peak;
        row.ratio_to = "peak estimate";
      }
      report.add(row);
    }
  }
}

}  // namespace bench
