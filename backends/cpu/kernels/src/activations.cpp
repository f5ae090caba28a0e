// SILU, GELU (erf and tanh forms) and SILU_MUL. Written through sigmoid and erfc so that the
// results keep their relative accuracy for large negative inputs, where 1 + tanh(u) and
// 1 + erf(u) would cancel.
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"
#include "parallel.hpp"

#include <cmath>

namespace strata_cpu {
namespace {

float silu(float x) { return x / (1.0f + std::exp(-x)); }

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
  switch (op.kind) {
    case STRATA_OP_SILU:
      return map(in, out, n, silu);
    case STRATA_OP_GELU:
      return op.params.gelu.approximate != 0 ? map(in, out, n, gelu_tanh) : map(in, out, n, gelu_erf);
    default: {  // SILU_MUL
      const float* up = as<float>(mem.in[1]);
      parallel_chunks(n, 8, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) out[i] = silu(in[i]) * up[i];
      });
    }
  }
}

}  // namespace strata_cpu
