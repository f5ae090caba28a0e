#include <strata/ops.hpp>

#include <initializer_list>

namespace strata::ops {
namespace {

strata_tensor raw(const TensorView& view) {
  strata_tensor tensor{};
  tensor.buffer = view.buffer != nullptr ? view.buffer->handle() : nullptr;
  tensor.offset = view.offset;
  tensor.dtype = static_cast<strata_dtype>(view.dtype);
  tensor.rank = static_cast<std::uint32_t>(view.shape.rank());
  for (std::size_t i = 0; i < view.shape.rank(); ++i) tensor.shape[i] = view.shape[i];
  return tensor;
}

Op make(strata_op_kind kind, std::initializer_list<TensorView> inputs, const TensorView& out) {
  Op op;
  op.raw.kind = kind;
  for (const TensorView& input : inputs) op.raw.inputs[op.raw.n_inputs++] = raw(input);
  op.raw.output = raw(out);
  return op;
}

}  // namespace

Op copy(const TensorView& in, const TensorView& out) { return make(STRATA_OP_COPY, {in}, out); }
Op add(const TensorView& a, const TensorView& b, const TensorView& out) { return make(STRATA_OP_ADD, {a, b}, out); }
Op mul(const TensorView& a, const TensorView& b, const TensorView& out) { return make(STRATA_OP_MUL, {a, b}, out); }
Op silu(const TensorView& in, const TensorView& out) { return make(STRATA_OP_SILU, {in}, out); }

Op gelu(const TensorView& in, const TensorView& out, bool tanh_approximation) {
  Op op = make(STRATA_OP_GELU, {in}, out);
  op.raw.params.gelu.approximate = tanh_approximation ? 1 : 0;
  return op;
}

Op silu_mul(const TensorView& gate, const TensorView& up, const TensorView& out) {
  return make(STRATA_OP_SILU_MUL, {gate, up}, out);
}

Op rms_norm(const TensorView& in, const TensorView& weight, const TensorView& out, float eps, float weight_offset) {
  Op op = make(STRATA_OP_RMS_NORM, {in, weight}, out);
  op.raw.params.norm.eps = eps;
  op.raw.params.norm.weight_offset = weight_offset;
  return op;
}

Op layer_norm(const TensorView& in, const TensorView& weight, std::optional<TensorView> bias, const TensorView& out,
              float eps) {
  Op op = bias ? make(STRATA_OP_LAYER_NORM, {in, weight, *bias}, out) : make(STRATA_OP_LAYER_NORM, {in, weight}, out);
  op.raw.params.norm.eps = eps;
  return op;
}

Op rope(const TensorView& in, const TensorView& positions, const TensorView& out, float theta, int rotary_dim) {
  Op op = make(STRATA_OP_ROPE, {in, positions}, out);
  op.raw.params.rope.theta = theta;
  op.raw.params.rope.rotary_dim = rotary_dim;
  return op;
}

Op rope(const TensorView& in, const TensorView& positions, const TensorView& inverse_frequencies, const TensorView& out,
        int rotary_dim) {
  Op op = make(STRATA_OP_ROPE, {in, positions, inverse_frequencies}, out);
  op.raw.params.rope.rotary_dim = rotary_dim;
  return op;
}

Op softmax(const TensorView& in, const TensorView& out, float scale) {
  Op op = make(STRATA_OP_SOFTMAX, {in}, out);
  op.raw.params.softmax.scale = scale;
  return op;
}

Op matmul(const TensorView& x, const TensorView& weight, std::optional<TensorView> bias, const TensorView& out) {
  return bias ? make(STRATA_OP_MATMUL, {x, weight, *bias}, out) : make(STRATA_OP_MATMUL, {x, weight}, out);
}

Op attention(const TensorView& q, const TensorView& k_cache, const TensorView& v_cache, const TensorView& out,
             std::int64_t n_past, float scale, bool causal, std::int64_t window, float softcap) {
  Op op = make(STRATA_OP_ATTENTION, {q, k_cache, v_cache}, out);
  op.raw.params.attention.n_past = n_past;
  op.raw.params.attention.scale = scale;
  op.raw.params.attention.causal = causal ? 1 : 0;
  op.raw.params.attention.window = window;
  op.raw.params.attention.softcap = softcap;
  return op;
}

Op embedding(const TensorView& table, const TensorView& ids, const TensorView& out) {
  return make(STRATA_OP_EMBEDDING, {table, ids}, out);
}

Op scale(const TensorView& in, const TensorView& out, float factor) {
  Op op = make(STRATA_OP_SCALE, {in}, out);
  op.raw.params.scale.factor = factor;
  return op;
}

Op softcap(const TensorView& in, const TensorView& out, float cap) {
  Op op = make(STRATA_OP_SOFTCAP, {in}, out);
  op.raw.params.softcap.cap = cap;
  return op;
}

}  // namespace strata::ops
