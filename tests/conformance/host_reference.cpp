#include "host_reference.hpp"

#include <strata_reference/ops.hpp>

#include <cstddef>
#include <cstdint>

namespace strata_cts {
namespace {

using strata_reference::Values;

std::int64_t last_dim(const TensorSpec& spec) { return spec.shape[spec.shape.rank() - 1]; }

// The inputs an op did not get (a bias, a layer_norm's shift) are empty.
const Values& optional_input(const std::vector<Values>& in, std::size_t index) {
  static const Values none;
  return index < in.size() ? in[index] : none;
}

Values compute(const OpSpec& spec, const std::vector<Values>& in) {
  namespace ref = strata_reference;
  const auto& shape = spec.inputs[0].shape;
  switch (spec.kind) {
    case STRATA_OP_COPY:
      return in[0];
    case STRATA_OP_ADD:
      return ref::add(in[0], in[1]).value;
    case STRATA_OP_MUL:
      return ref::mul(in[0], in[1]).value;
    case STRATA_OP_SILU:
      return ref::silu(in[0]).value;
    case STRATA_OP_GELU:
      return ref::gelu(in[0], spec.gelu_tanh).value;
    case STRATA_OP_SILU_MUL:
      return ref::silu_mul(in[0], in[1]).value;
    case STRATA_OP_RMS_NORM:
      return ref::rms_norm(in[0], last_dim(spec.inputs[0]), in[1], spec.eps, spec.weight_offset).value;
    case STRATA_OP_LAYER_NORM:
      return ref::layer_norm(in[0], last_dim(spec.inputs[0]), in[1], optional_input(in, 2), spec.eps).value;
    case STRATA_OP_ROPE:
      if (spec.inverse_frequencies)
        return ref::rope_with_frequencies(in[0], shape[0], shape[1], shape[2], in[1], in[2], spec.rotary_dim).value;
      return ref::rope(in[0], shape[0], shape[1], shape[2], in[1], spec.theta, spec.rotary_dim).value;
    case STRATA_OP_SOFTMAX:
      return ref::softmax(in[0], last_dim(spec.inputs[0]), spec.scale).value;
    case STRATA_OP_MATMUL:
      return ref::matmul(in[0], in[1], optional_input(in, 2), shape[0], spec.inputs[1].shape[0], shape[1]).value;
    case STRATA_OP_ATTENTION: {
      const ref::AttentionShape attention{.tokens = shape[0],
                                          .q_heads = shape[1],
                                          .kv_heads = spec.inputs[1].shape[1],
                                          .dim = shape[2],
                                          .n_past = spec.n_past,
                                          .scale = spec.scale,
                                          .causal = spec.causal,
                                          .window = spec.window,
                                          .softcap = spec.softcap};
      return ref::attention(in[0], in[1], in[2], attention).value;
    }
    case STRATA_OP_EMBEDDING:
      return ref::embedding(in[0], spec.inputs[0].shape[1], in[1]).value;
    case STRATA_OP_SCALE:
      return ref::scale(in[0], spec.scale).value;
    case STRATA_OP_SOFTCAP:
      return ref::softcap(in[0], spec.softcap).value;
    default:
      return {};
  }
}

}  // namespace

std::vector<double> host_reference(const OpSpec& spec, const std::vector<std::vector<double>>& inputs) {
  std::vector<double> out = compute(spec, inputs);
  // Round to what the output dtype can hold, so a device that rounds correctly matches.
  HostTensor rounded = HostTensor::encode(spec.output, out);
  return rounded.decode();
}

}  // namespace strata_cts
