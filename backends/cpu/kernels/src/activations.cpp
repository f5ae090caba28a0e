// SILU, GELU (erf and tanh forms) and SILU_MUL. GELU is written through a sigmoid and erfc
// so that it keeps its relative accuracy for large negative inputs, where 1 + tanh(u) and
// 1 + erf(u) would cancel; SiLU (x / (1 + exp(-x))) has no such cancellation.
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"
#include "parallel.hpp"
#include "vec_kernels.hpp"

#include <cmath>

namespace strata_cpu {
namespace {

// 0.5 x (1 + erf(x / sqrt 2)) == 0.5 x erfc(-x / sqrt 2)
float gelu_erf(float x) { return 0.5f * x * std::erfc(-x * 0.70710678118654752f); }

// 0.5 x (1 + tanh(u)) == x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3)
float gelu_tanh(float x) {
  const float u = 0.79788456080286536f * (x + 0.044715f * x * x * x);
  return x / (1.0f + std::exp(-2.0f * u));
}

template <typename Fn>
void map(const float* in, float* out, std::int64_t n, Fn fn) {
  parallel_chunks(n, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) out[i] = fn(in[i]);
  });
}

}  // namespace

void run_activation(const strata_op& op, const OpMemory& mem) {
  const std::int64_t n = strata_plugin::element_count(op.output);
  const float* in = as<float>(mem.in[0]);
  float* out = as<float>(mem.out);
  if (op.kind == STRATA_OP_GELU) {
    if (op.params.gelu.approximate != 0)
      map(in, out, n, gelu_tanh);
    else
      map(in, out, n, gelu_erf);
    return;
  }
  // SILU and SILU_MUL: the vector kernels' exp.
  const float* up = op.kind == STRATA_OP_SILU_MUL ? as<float>(mem.in[1]) : nullptr;
  parallel_chunks(n, 8, [&](std::int64_t begin, std::int64_t end) {
    vec().silu_mul(in + begin, up != nullptr ? up + begin : nullptr, out + begin,
                   static_cast<std::size_t>(end - begin));
  });
}

}  // namespace strata_cpu
