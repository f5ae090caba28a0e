// MATMUL for few rows of x (decode: M = 1 is the hot path). The weights are read once, in
// row order, and converted to f32 in registers by the dot kernel: the op is bound by memory
// bandwidth, so the only goals are reading each weight byte once and keeping every core
// streaming. Work is split over weight rows (N), which TBB spreads over the cores.
#include <strata_plugin/dtype.hpp>

#include "matmul.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <algorithm>

namespace strata_cpu {

void matmul_streaming(const MatmulShape& shape, const float* x, const std::byte* w, strata_dtype w_dtype, float* out) {
  const auto k = static_cast<std::size_t>(shape.k);
  const std::size_t row_bytes = k * strata_plugin::dtype_size(w_dtype);
  parallel_chunks(shape.n, shape.k * shape.m, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      const std::byte* w_row = w + static_cast<std::size_t>(j) * row_bytes;
      // The weight row stays in L1/L2 while every group of x rows uses it.
      for (std::int64_t r = 0; r < shape.m; r += static_cast<std::int64_t>(max_dot_rows)) {
        const auto rows = static_cast<std::size_t>(std::min<std::int64_t>(max_dot_rows, shape.m - r));
        dot_rows(x + r * shape.k, k, rows, w_row, w_dtype, k, out + r * shape.n + j, static_cast<std::size_t>(shape.n));
      }
    }
  });
}

}  // namespace strata_cpu
