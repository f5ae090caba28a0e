// SOFTMAX over the last dimension, scaled first; subtracting the row maximum keeps exp()
// finite, and the normaliser is summed in double.
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata_cpu {

void run_softmax(const strata_op& op, const OpMemory& mem) {
  const std::int64_t n = strata_plugin::row_length(op.inputs[0]);
  const std::int64_t rows = strata_plugin::row_count(op.inputs[0]);
  const float scale = op.params.softmax.scale;
  const float* in = as<float>(mem.in[0]);
  float* out = as<float>(mem.out);
  parallel_chunks(rows, n * 4, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      const float* x = in + r * n;
      float* y = out + r * n;
      float max = -std::numeric_limits<float>::infinity();
      for (std::int64_t i = 0; i < n; ++i) max = std::fmax(max, x[i] * scale);
      if (y != x) std::copy(x, x + n, y);
      const double sum = vec().exp_sum(y, static_cast<std::size_t>(n), scale, max);
      const auto inv = static_cast<float>(1.0 / sum);
      for (std::int64_t i = 0; i < n; ++i) y[i] *= inv;
    }
  });
}

}  // namespace strata_cpu
