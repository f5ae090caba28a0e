// The parameters each unit of a Llama-family model holds, by Hugging Face name and shape: the
// one description the graph builder, the graph validator and the session's runner share.
#pragma once

#include <strata/checkpoint.hpp>
#include <strata/model_graph.hpp>

#include <string>
#include <vector>

namespace strata::detail {

struct ExpectedParameter {
  std::string name;
  Shape shape;
};

// Parameter name suffixes of a decoder layer, relative to "model.layers.N".
namespace layer_parameter {
inline constexpr std::string_view input_norm = ".input_layernorm.weight";
inline constexpr std::string_view q_weight = ".self_attn.q_proj.weight";
inline constexpr std::string_view q_bias = ".self_attn.q_proj.bias";
inline constexpr std::string_view k_weight = ".self_attn.k_proj.weight";
inline constexpr std::string_view k_bias = ".self_attn.k_proj.bias";
inline constexpr std::string_view v_weight = ".self_attn.v_proj.weight";
inline constexpr std::string_view v_bias = ".self_attn.v_proj.bias";
inline constexpr std::string_view o_weight = ".self_attn.o_proj.weight";
inline constexpr std::string_view o_bias = ".self_attn.o_proj.bias";
inline constexpr std::string_view post_norm = ".post_attention_layernorm.weight";
inline constexpr std::string_view gate_weight = ".mlp.gate_proj.weight";
inline constexpr std::string_view gate_bias = ".mlp.gate_proj.bias";
inline constexpr std::string_view up_weight = ".mlp.up_proj.weight";
inline constexpr std::string_view up_bias = ".mlp.up_proj.bias";
inline constexpr std::string_view down_weight = ".mlp.down_proj.weight";
inline constexpr std::string_view down_bias = ".mlp.down_proj.bias";
inline constexpr std::string_view q_norm = ".self_attn.q_norm.weight";          // Qwen3
inline constexpr std::string_view k_norm = ".self_attn.k_norm.weight";          // Qwen3
inline constexpr std::string_view qkv_weight = ".self_attn.qkv_proj.weight";    // Phi-3: q, k, v by rows
inline constexpr std::string_view gate_up_weight = ".mlp.gate_up_proj.weight";  // Phi-3: gate, up by rows
inline constexpr std::string_view pre_feedforward_norm = ".pre_feedforward_layernorm.weight";    // Gemma
inline constexpr std::string_view post_feedforward_norm = ".post_feedforward_layernorm.weight";  // Gemma
}  // namespace layer_parameter

// The name of the single weight of an embedding, final norm or lm_head unit (the embedding's
// own weight for a tied lm_head).
std::string single_weight_name(const Unit& unit);

// Exactly the parameters `unit` must hold under `config` (none for custom units).
std::vector<ExpectedParameter> expected_parameters(const ModelConfig& config, const Unit& unit);

// Whether `tensor` holds rotary inverse frequencies some exports save beside the weights
// (model.rotary_emb.inv_freq, or model.layers.N.self_attn.rotary_emb.inv_freq for N below
// num_hidden_layers; rotary_dim / 2 floats): derived from the config, so nothing reads them.
bool is_rotary_inverse_frequencies(const ModelConfig& config, const SafetensorsTensor& tensor);

// Fills a unit's per-token numbers (FLOPs, weight bytes read, activation, KV) from its kind and
// its parameters' dtypes.
void compute_unit_costs(const ModelConfig& config, Unit& unit);

}  // namespace strata::detail
