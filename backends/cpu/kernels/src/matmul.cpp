// MATMUL: out[M,N] = x[M,K] w[N,K]^T (+ bias[N]), w in Hugging Face's Linear layout and any
// float dtype. Picks the streaming kernel or tiled sgemm by the number of rows of x.
#include <strata_plugin/op_check.hpp>

#include "matmul.hpp"
#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <vector>

namespace strata_cpu {

void run_matmul(const strata_op& op, const OpMemory& mem) {
  const strata_tensor& w = op.inputs[1];
  const MatmulShape shape{op.inputs[0].shape[0], w.shape[0], w.shape[1]};
  const float* x = as<float>(mem.in[0]);
  float* out = as<float>(mem.out);

  if (shape.m < gemm_min_rows)
    matmul_streaming(shape, x, mem.in[1], w.dtype, out);
  else
    matmul_gemm(shape, x, mem.in[1], w.dtype, out);

  if (op.n_inputs == 3) {
    std::vector<float> bias(static_cast<std::size_t>(shape.n));
    to_f32(mem.in[2], op.inputs[2].dtype, bias.data(), bias.size());
    parallel_chunks(shape.m, shape.n, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t r = begin; r < end; ++r)
        for (std::int64_t j = 0; j < shape.n; ++j) out[r * shape.n + j] += bias[static_cast<std::size_t>(j)];
    });
  }
}

}  // namespace strata_cpu
