// A model as the planners and the runtime see it: units in execution order, each with the
// numbers placement needs. Built from a Hugging Face config.json (no weights needed), or by
// hand by an integrator.
#pragma once

#include <strata/export.hpp>

#include <strata/types.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// What a unit computes; the runtime dispatches on it.
enum class UnitKind : std::int32_t {
  embedding,      // model.embed_tokens
  decoder_layer,  // model.layers.N: attention + MLP, with its own KV cache
  final_norm,     // model.norm
  lm_head,        // lm_head (may share its weight with the embedding)
  custom,         // built by hand; the runtime needs an executor for it
};

STRATA_API std::string_view to_string(UnitKind kind);

struct STRATA_API ParameterInfo {
  std::string name;  // full Hugging Face name: "model.layers.3.self_attn.q_proj.weight"
  DType dtype = DType::f32;
  Shape shape;
  std::uint64_t bytes() const { return static_cast<std::uint64_t>(shape.elements()) * dtype_size(dtype); }
};

// The smallest piece a planner places; never split across devices.
struct STRATA_API Unit {
  std::string name;  // Hugging Face module name: "model.layers.3"
  UnitKind kind = UnitKind::custom;
  std::vector<ParameterInfo> parameters;
  // Per token at batch 1:
  double flops_per_token = 0;  // multiply-adds count as 2
  std::uint64_t weight_bytes_read_per_token = 0;
  std::uint64_t activation_bytes = 0;    // bytes of the activation this unit hands to the next, per token
  std::uint64_t kv_bytes_per_token = 0;  // KV cache this unit keeps, per token of context
  // Attention's cost grows with the context: FLOPs per token for each token already in the
  // cache (4 * heads * head_dim for a decoder layer, 0 elsewhere).
  double flops_per_token_per_context = 0;
  // Name of the unit whose weights this one shares (lm_head tied to model.embed_tokens), or "".
  // A tied unit lists the shared parameter too (its device needs those bytes); the graph
  // counts each parameter name once.
  std::string tied_to;

  // The bytes this unit needs on its device, shared parameters included.
  std::uint64_t parameter_bytes() const;
  const ParameterInfo* find_parameter(std::string_view parameter_name) const;
};

// How the rotation's frequencies are stretched for contexts longer than training's
// (rope_scaling / rope_parameters): "default" (not at all), "linear" (every frequency divided by
// factor) or "llama3" (low frequencies divided by factor, high ones kept, a smooth blend between,
// over original_max_position_embeddings).
struct STRATA_API RopeScaling {
  std::string type = "default";
  double factor = 1.0;
  double low_freq_factor = 1.0;
  double high_freq_factor = 4.0;
  std::int64_t original_max_position_embeddings = 0;

  bool scales() const { return type != "default"; }
};

// The Hugging Face config fields the Llama family and its relatives need.
struct STRATA_API ModelConfig {
  std::string architecture;  // "LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", ...
  std::string model_type;    // "llama", "mistral", "qwen2", "qwen3", "phi3"
  std::int64_t vocab_size = 0;
  std::int64_t hidden_size = 0;
  std::int64_t intermediate_size = 0;
  std::int64_t num_hidden_layers = 0;
  std::int64_t num_attention_heads = 0;
  std::int64_t num_key_value_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  bool attention_bias = false;  // q/k/v projections carry a bias (Qwen2: always)
  bool mlp_bias = false;
  bool tie_word_embeddings = false;
  std::string hidden_act = "silu";  // or "gelu_pytorch_tanh" (Gemma)
  DType dtype = DType::f32;         // the checkpoint's dtype ("torch_dtype"/"dtype")
  std::optional<std::int64_t> bos_token_id;
  std::vector<std::int64_t> eos_token_ids;
  RopeScaling rope_scaling;  // of every layer but Gemma 3's sliding ones
  // Sliding-window attention: a layer listed here attends over the last sliding_window positions
  // only (Mistral and Phi-3: every layer; Gemma: the "sliding_attention" ones of layer_types).
  std::optional<std::int64_t> sliding_window;
  std::vector<bool> sliding_layers;  // by layer index; empty: none
  // Gemma 3: the sliding layers rotate with a base of their own, unscaled.
  std::optional<double> sliding_rope_theta;
  // Qwen3 and Gemma 3: an RMS norm over each head of q and of k (self_attn.q_norm, self_attn.k_norm, each
  // [head_dim]) before the rotation.
  bool qk_norm = false;
  // Phi-3: q, k and v come from one projection (self_attn.qkv_proj) and gate and up from another
  // (mlp.gate_up_proj), stacked by rows in that order.
  bool fused_projections = false;
  // The features of each head that rotate (partial_rotary_factor x head_dim); 0: all of them.
  std::int64_t rotary_dim = 0;
  // Gemma 2 and 3: every RMS norm scales by (norm_weight_offset + weight) (1 there, 0 elsewhere);
  // "sandwich" norms: post_attention_layernorm normalizes the attention's output and
  // pre_/post_feedforward_layernorm the MLP's input and output; embeddings are multiplied by
  // embedding_scale (sqrt(hidden_size)); attention scores by query_pre_attn_scalar^-1/2.
  double norm_weight_offset = 0.0;
  bool sandwich_norms = false;
  double embedding_scale = 1.0;
  std::optional<double> query_pre_attn_scalar;
  // Gemma 2: scores (and the final logits) pass through c * tanh(x / c); 0: no capping.
  double attn_logit_softcapping = 0.0;
  double final_logit_softcapping = 0.0;

  std::int64_t rotary_dimensions() const { return rotary_dim > 0 ? rotary_dim : head_dim; }
  bool is_sliding_layer(std::int64_t layer) const {
    return sliding_window && layer >= 0 && static_cast<std::size_t>(layer) < sliding_layers.size() &&
           sliding_layers[static_cast<std::size_t>(layer)];
  }
  // Whether a layer's rotation needs a table of inverse frequencies (a scaling, or Gemma 3's two
  // bases) rather than the op's theta alone.
  bool rope_needs_table() const { return rope_scaling.scales() || sliding_rope_theta.has_value(); }

  // The number of tokens a session may hold: max_position_embeddings.
  std::int64_t context_limit() const;
  // The KV cache's dtype when none is asked for: the model's own width, as transformers keeps the
  // cache (f16 for an f16 or bf16 checkpoint: the attention op stores 16-bit caches as f16; f32
  // for an f32 one).
  DType default_kv_dtype() const;
};

struct STRATA_API ModelGraph {
  ModelConfig config;
  std::vector<Unit> units;  // in execution order

  const Unit* find(std::string_view name) const;
  // Every distinct parameter counted once (a tied weight is stored once per device it is used on,
  // which is the planner's business, not this sum's).
  std::uint64_t parameter_bytes() const;
  std::uint64_t kv_bytes_per_token() const;
  std::uint64_t weight_bytes_read_per_token() const;
  double flops_per_token() const;
};

}  // namespace strata
