#include "llama_decoder.hpp"

#include "random_fill.hpp"
#include "timing.hpp"

#include <cmath>
#include <span>

namespace bench {
namespace {

constexpr std::uint16_t kOneF16 = 0x3c00;

// A view of `tensor`'s buffer with another shape (same bytes).
strata::TensorView reshaped(const strata::Tensor& tensor, strata::Shape shape) {
  strata::TensorView view = tensor.view();
  view.shape = shape;
  return view;
}

}  // namespace

LlamaShape llama_1b_shape() { return {2048, 16, 8192, 32, 8, 64, 32000}; }
LlamaShape llama_quick_shape() { return {256, 2, 1024, 4, 2, 64, 1000}; }

LlamaDecoder::LlamaDecoder(const strata::Device& device, strata::Queue& queue, const LlamaShape& shape,
                           std::int64_t max_context)
    : queue_(queue), shape_(shape), max_context_(max_context) {
  using strata::DType;
  std::uint64_t seed = 100;
  const auto weight = [&](std::int64_t rows, std::int64_t cols) {
    strata::Tensor t(device, DType::f16, {rows, cols});
    queue_.write(t.buffer(), 0, random_f16(static_cast<std::size_t>(rows * cols), seed++));
    return t;
  };
  const auto ones = [&](std::int64_t n) {
    strata::Tensor t(device, DType::f16, {n});
    queue_.write(t.buffer(), 0, constant_f16(static_cast<std::size_t>(n), kOneF16));
    return t;
  };
  const std::int64_t kv = shape.kv_heads * shape.head_dim;
  embed_ = weight(shape.vocab, shape.hidden);
  for (std::int64_t l = 0; l < shape.layers; ++l) {
    Layer layer;
    layer.attn_norm = ones(shape.hidden);
    layer.wq = weight(shape.heads * shape.head_dim, shape.hidden);
    layer.wk = weight(kv, shape.hidden);
    layer.wv = weight(kv, shape.hidden);
    layer.wo = weight(shape.hidden, shape.heads * shape.head_dim);
    layer.mlp_norm = ones(shape.hidden);
    layer.wgate = weight(shape.intermediate, shape.hidden);
    layer.wup = weight(shape.intermediate, shape.hidden);
    layer.wdown = weight(shape.hidden, shape.intermediate);
    // The cache starts as random keys and values: the positions before the measured tokens
    // stand for an earlier prompt.
    layer.k_cache = weight(max_context, kv);
    layer.v_cache = weight(max_context, kv);
    layers_.push_back(std::move(layer));
  }
  final_norm_ = ones(shape.hidden);
  lm_head_ = weight(shape.vocab, shape.hidden);

  ids_ = strata::Tensor(device, DType::i32, {1});
  positions_ = strata::Tensor(device, DType::i32, {1});
  x_ = strata::Tensor(device, DType::f32, {1, shape.hidden});
  h_ = strata::Tensor(device, DType::f32, {1, shape.hidden});
  q_ = strata::Tensor(device, DType::f32, {1, shape.heads * shape.head_dim});
  k_ = strata::Tensor(device, DType::f32, {1, kv});
  v_ = strata::Tensor(device, DType::f32, {1, kv});
  attn_ = strata::Tensor(device, DType::f32, {1, shape.heads * shape.head_dim});
  o_ = strata::Tensor(device, DType::f32, {1, shape.hidden});
  gate_ = strata::Tensor(device, DType::f32, {1, shape.intermediate});
  up_ = strata::Tensor(device, DType::f32, {1, shape.intermediate});
  down_ = strata::Tensor(device, DType::f32, {1, shape.hidden});
  logits_ = strata::Tensor(device, DType::f32, {1, shape.vocab});
  queue_.finish();
}

void LlamaDecoder::append_layer_ops(const Layer& layer, std::int64_t position, std::vector<strata::Op>& ops) const {
  namespace ops_ = strata::ops;
  const LlamaShape& s = shape_;
  const std::int64_t kv = s.kv_heads * s.head_dim;
  const strata::TensorView q3 = reshaped(q_, {1, s.heads, s.head_dim});
  const strata::TensorView k3 = reshaped(k_, {1, s.kv_heads, s.head_dim});
  const strata::TensorView attn3 = reshaped(attn_, {1, s.heads, s.head_dim});
  // This token's row of each cache, as f16 (the copy op converts).
  const std::uint64_t row_offset = static_cast<std::uint64_t>(position * kv) * 2;
  const strata::TensorView k_row{&layer.k_cache.buffer(), row_offset, strata::DType::f16, {1, kv}};
  const strata::TensorView v_row{&layer.v_cache.buffer(), row_offset, strata::DType::f16, {1, kv}};
  const strata::TensorView k_cache = reshaped(layer.k_cache, {max_context_, s.kv_heads, s.head_dim});
  const strata::TensorView v_cache = reshaped(layer.v_cache, {max_context_, s.kv_heads, s.head_dim});
  const int rotary = static_cast<int>(s.head_dim);

  ops.push_back(ops_::rms_norm(x_, layer.attn_norm, h_, s.eps));
  ops.push_back(ops_::matmul(h_, layer.wq, std::nullopt, q_));
  ops.push_back(ops_::matmul(h_, layer.wk, std::nullopt, k_));
  ops.push_back(ops_::matmul(h_, layer.wv, std::nullopt, v_));
  ops.push_back(ops_::rope(q3, positions_, q3, s.rope_theta, rotary));
  ops.push_back(ops_::rope(k3, positions_, k3, s.rope_theta, rotary));
  ops.push_back(ops_::copy(k_, k_row));
  ops.push_back(ops_::copy(v_, v_row));
  ops.push_back(
      ops_::attention(q3, k_cache, v_cache, attn3, position, 1.0f / std::sqrt(static_cast<float>(s.head_dim)), true));
  ops.push_back(ops_::matmul(attn_, layer.wo, std::nullopt, o_));
  ops.push_back(ops_::add(x_, o_, x_));
  ops.push_back(ops_::rms_norm(x_, layer.mlp_norm, h_, s.eps));
  ops.push_back(ops_::matmul(h_, layer.wgate, std::nullopt, gate_));
  ops.push_back(ops_::matmul(h_, layer.wup, std::nullopt, up_));
  ops.push_back(ops_::silu_mul(gate_, up_, gate_));
  ops.push_back(ops_::matmul(gate_, layer.wdown, std::nullopt, down_));
  ops.push_back(ops_::add(x_, down_, x_));
}

std::int32_t LlamaDecoder::step(std::int32_t token, std::int64_t position) {
  const std::int32_t pos = static_cast<std::int32_t>(position);
  queue_.write(ids_.view(), std::span<const std::int32_t>(&token, 1));
  queue_.write(positions_.view(), std::span<const std::int32_t>(&pos, 1));
  std::vector<strata::Op> ops;
  ops.reserve(static_cast<std::size_t>(shape_.layers) * 17 + 3);
  ops.push_back(strata::ops::embedding(embed_, ids_, x_));
  for (const Layer& layer : layers_) append_layer_ops(layer, position, ops);
  ops.push_back(strata::ops::rms_norm(x_, final_norm_, h_, shape_.eps));
  ops.push_back(strata::ops::matmul(h_, lm_head_, std::nullopt, logits_));
  const double start = now_seconds();
  queue_.submit(ops);
  const double submitted = now_seconds();
  std::vector<float> logits(static_cast<std::size_t>(shape_.vocab));
  queue_.read(logits_.view(), std::span<float>(logits));
  submit_seconds_ += submitted - start;
  read_seconds_ += now_seconds() - submitted;
  std::size_t best = 0;
  for (std::size_t i = 1; i < logits.size(); ++i)
    if (logits[i] > logits[best]) best = i;
  return static_cast<std::int32_t>(best);
}

std::uint64_t LlamaDecoder::weight_bytes() const {
  std::uint64_t bytes = embed_.bytes() + final_norm_.bytes() + lm_head_.bytes();
  for (const Layer& l : layers_)
    bytes += l.attn_norm.bytes() + l.wq.bytes() + l.wk.bytes() + l.wv.bytes() + l.wo.bytes() + l.mlp_norm.bytes() +
             l.wgate.bytes() + l.wup.bytes() + l.wdown.bytes();
  return bytes;
}

std::uint64_t LlamaDecoder::bytes_per_token(std::int64_t position) const {
  // Every weight but the embedding table (one row of it), and the live part of each cache.
  const std::uint64_t row = static_cast<std::uint64_t>(shape_.hidden) * 2;
  const std::uint64_t cache = static_cast<std::uint64_t>((position + 1) * shape_.kv_heads * shape_.head_dim) * 2 * 2;
  return weight_bytes() - embed_.bytes() + row + cache * static_cast<std::uint64_t>(shape_.layers);
}

}  // namespace bench
