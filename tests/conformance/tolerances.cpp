#include "tolerances.hpp"

#include <algorithm>

namespace strata_cts {

Tolerance tolerance_for(const OpCase& c) {
  const OpSpec& s = c.spec;
  Tolerance t;
  switch (s.kind) {
    case STRATA_OP_COPY:
      // Widening is exact; narrowing may round to nearest or truncate (one unit in the last place).
      if (s.output.dtype == strata::DType::f16) return {1e-6, 2e-3};
      if (s.output.dtype == strata::DType::bf16) return {1e-4, 1.6e-2};
      return {0, 0};
    case STRATA_OP_EMBEDDING:
      return {0, 0};  // a gather: the exact table values
    case STRATA_OP_ADD:
    case STRATA_OP_MUL:
    case STRATA_OP_SCALE:
      t = {1e-12, 1e-6};  // one correctly rounded float operation
      break;
    case STRATA_OP_SILU:
    case STRATA_OP_GELU:
    case STRATA_OP_SILU_MUL:
    case STRATA_OP_SOFTCAP:
      t = {1e-9, 1e-4};  // tight enough to tell the erf GELU from the tanh one
      break;
    case STRATA_OP_RMS_NORM:
    case STRATA_OP_LAYER_NORM:
      t = {1e-9, 1e-4};
      break;
    case STRATA_OP_ROPE:
      // Angles up to position * 1 rad: float32 loses ~pos * 6e-8 rad of them (twice that allowed,
      // which matters past position ~40000: Llama 3.1's 128k contexts).
      t = s.max_position > 4096 ? Tolerance{1e-5, std::max(5e-3, 1.2e-7 * static_cast<double>(s.max_position))}
                                : Tolerance{1e-6, 2e-3};
      break;
    case STRATA_OP_SOFTMAX:
      t = {1e-8, 1e-5};
      break;
    case STRATA_OP_MATMUL:
      t = {1e-8, 1e-4};
      break;
    case STRATA_OP_ATTENTION:
      t = {1e-8, 1e-4};
      break;
    default:
      break;
  }
  // Scores of hundreds: float32 error in a score becomes relative error in its probability.
  if (s.data == DataKind::large) t = {t.nmse * 100, t.max_rel * 10};
  return t;
}

}  // namespace strata_cts
