// (b) Matrix-vector (M = 1), the decode hot path: GB/s of weights (plus x and y) read, for f16
// and f32 weights of the Llama-1B MLP shapes, and the ratio to the copy bandwidth of (a).
#include "bench.hpp"
#include "random_fill.hpp"
#include "timing.hpp"

#include <fmt/format.h>

namespace bench {

void run_matvec_section(const strata::Device& device, const Options& options, Report& report) {
  const double copy_gbps = report.value_of("copy", "device copy");
  struct Shape {
    std::int64_t n, k;  // weight [n, k] in Hugging Face's [out_features, in_features]
  };
  const std::vector<Shape> shapes =
      options.quick ? std::vector<Shape>{{256, 1024}, {1024, 256}} : std::vector<Shape>{{2048, 8192}, {8192, 2048}};
  for (const std::string& engine : matvec_engines(device, options)) {
    std::optional<strata::Queue> made = make_queue(device, engine);
    if (!made) continue;
    strata::Queue& queue = *made;
    for (strata::DType dtype : {strata::DType::f16, strata::DType::f32}) {
      for (const Shape& s : shapes) {
        strata::Tensor x(device, strata::DType::f32, {1, s.k});
        strata::Tensor w(device, dtype, {s.n, s.k});
        strata::Tensor y(device, strata::DType::f32, {1, s.n});
        const std::size_t count = static_cast<std::size_t>(s.n * s.k);
        queue.write(w.buffer(), 0, dtype == strata::DType::f16 ? random_f16(count, 1) : random_f32(count, 1));
        queue.write(x.buffer(), 0, random_f32(static_cast<std::size_t>(s.k), 2));
        const strata::Op op = strata::ops::matmul(x, w, std::nullopt, y);
        const double seconds = seconds_per_iteration(
            queue, [&] { queue.submit(op); }, options.quick ? 0.02 : 0.3);
        const double bytes = static_cast<double>(w.bytes() + x.bytes() + y.bytes());
        const double gbps = bytes / seconds / 1e9;
        Row row{"matvec",
                fmt::format("M=1 {}x{} {} weights{}", s.n, s.k, strata::to_string(dtype),
                            engine == "default" ? "" : " [" + engine + "]"),
                gbps, "GB/s"};
        if (copy_gbps > 0) {
          row.ratio = gbps / copy_gbps;
          row.ratio_to = "copy GB/s";
        }
        report.add(row);
      }
    }
  }
}

}  // namespace bench
