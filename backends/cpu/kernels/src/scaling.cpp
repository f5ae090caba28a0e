// SCALE and SOFTCAP (ABI 1.2): elementwise, in place allowed. Soft-capping goes through
// std::tanh, which saturates to +-1 for large inputs and keeps NaN a NaN.
#include <strata_plugin/op_check.hpp>

#include "op_families.hpp"
#include "parallel.hpp"

#include <cmath>

namespace strata_cpu {

void run_scaling(const strata_op& op, const OpMemory& mem) {
  const std::int64_t n = strata_plugin::element_count(op.output);
  const float* in = as<float>(mem.in[0]);
  float* out = as<float>(mem.out);
  if (op.kind == STRATA_OP_SCALE) {
    const float factor = op.params.scale.factor;
    parallel_chunks(n, 1, [&](std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) out[i] = in[i] * factor;
    });
    return;
  }
  const float cap = op.params.softcap.cap;
  const float inv_cap = 1.0f / cap;
  parallel_chunks(n, 8, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) out[i] = cap * std::tanh(in[i] * inv_cap);
  });
}

}  // namespace strata_cpu
