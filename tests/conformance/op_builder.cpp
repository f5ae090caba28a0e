#include "op_builder.hpp"

#include <strata/error.hpp>

#include <optional>

namespace strata_cts {

strata::Op build_op(const OpSpec& spec, std::span<const strata::TensorView> in, const strata::TensorView& out) {
  namespace ops = strata::ops;
  const auto optional_input = [&](std::size_t i) -> std::optional<strata::TensorView> {
    if (in.size() > i) return in[i];
    return std::nullopt;
  };
  switch (spec.kind) {
    case STRATA_OP_COPY:
      return ops::copy(in[0], out);
    case STRATA_OP_ADD:
      return ops::add(in[0], in[1], out);
    case STRATA_OP_MUL:
      return ops::mul(in[0], in[1], out);
    case STRATA_OP_SILU:
      return ops::silu(in[0], out);
    case STRATA_OP_GELU:
      return ops::gelu(in[0], out, spec.gelu_tanh);
    case STRATA_OP_SILU_MUL:
      return ops::silu_mul(in[0], in[1], out);
    case STRATA_OP_RMS_NORM:
      return ops::rms_norm(in[0], in[1], out, spec.eps, spec.weight_offset);
    case STRATA_OP_LAYER_NORM:
      return ops::layer_norm(in[0], in[1], optional_input(2), out, spec.eps);
    case STRATA_OP_ROPE:
      if (spec.inverse_frequencies) return ops::rope(in[0], in[1], in[2], out, spec.rotary_dim);
      return ops::rope(in[0], in[1], out, spec.theta, spec.rotary_dim);
    case STRATA_OP_SOFTMAX:
      return ops::softmax(in[0], out, spec.scale);
    case STRATA_OP_MATMUL:
      return ops::matmul(in[0], in[1], optional_input(2), out);
    case STRATA_OP_ATTENTION:
      return ops::attention(in[0], in[1], in[2], out, spec.n_past, spec.scale, spec.causal, spec.window, spec.softcap);
    case STRATA_OP_EMBEDDING:
      return ops::embedding(in[0], in[1], out);
    case STRATA_OP_SCALE:
      return ops::scale(in[0], out, spec.scale);
    case STRATA_OP_SOFTCAP:
      return ops::softcap(in[0], out, spec.softcap);
    default:
      throw strata::Error(strata::StatusCode::invalid_argument, "the suite has no builder for this op");
  }
}

}  // namespace strata_cts
