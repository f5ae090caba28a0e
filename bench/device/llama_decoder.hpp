// One decode token of a Llama-shaped model, run op by op through the Queue API with random
// f16 weights and an f16 KV cache: the exact sequence a decoder runs per token (embedding;
// per layer rms_norm, q/k/v matmuls, rope, KV copy into the cache, attention, o matmul, add,
// rms_norm, gate/up matmuls, silu_mul, down matmul, add; final norm; lm_head).
#pragma once

#include <strata/strata.hpp>

#include <cstdint>
#include <vector>

namespace bench {

struct LlamaShape {
  std::int64_t hidden, layers, intermediate, heads, kv_heads, head_dim, vocab;
  float rope_theta = 10000.0f;
  float eps = 1e-5f;
};

// DESIGN.md's 1.1B shape: hidden 2048, 16 layers, intermediate 8192, 32/8 heads, head_dim 64,
// vocab 32000 (untied lm_head).
LlamaShape llama_1b_shape();
// The same structure at toy size, for --quick.
LlamaShape llama_quick_shape();

class LlamaDecoder {
 public:
  // Allocates and fills every weight (f16) and a KV cache of `max_context` positions.
  LlamaDecoder(const strata::Device& device, strata::Queue& queue, const LlamaShape& shape, std::int64_t max_context);

  // Runs one token at `position` (the cache holds positions 0 .. position-1) and returns the
  // greedy next token (argmax of the logits, read back to the host as a decoder must).
  std::int32_t step(std::int32_t token, std::int64_t position);

  // Bytes of weights (and KV cache) one token reads at `position`: what bounds decode speed.
  std::uint64_t bytes_per_token(std::int64_t position) const;
  std::uint64_t weight_bytes() const;

  // Host time spent so far in the token's submit call (validating and recording ~17 ops a
  // layer) and in reading the logits back (waiting for the device to finish); where a token's
  // time goes when the device is not the bottleneck.
  double submit_seconds() const { return submit_seconds_; }
  double read_seconds() const { return read_seconds_; }

 private:
  struct Layer {
    strata::Tensor attn_norm, wq, wk, wv, wo, mlp_norm, wgate, wup, wdown, k_cache, v_cache;
  };
  void append_layer_ops(const Layer& layer, std::int64_t position, std::vector<strata::Op>& ops) const;

  strata::Queue& queue_;
  LlamaShape shape_;
  std::int64_t max_context_;
  strata::Tensor embed_, final_norm_, lm_head_;
  std::vector<Layer> layers_;
  // Activations of one token.
  strata::Tensor ids_, positions_, x_, h_, q_, k_, v_, attn_, o_, gate_, up_, down_, logits_;
  double submit_seconds_ = 0;
  double read_seconds_ = 0;
};

}  // namespace bench
