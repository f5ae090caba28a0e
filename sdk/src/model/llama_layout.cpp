#include "llama_layout.hpp"

#include <charconv>

namespace strata::detail {

std::string single_weight_name(const Unit& unit) {
  if (unit.kind == UnitKind::lm_head && !unit.tied_to.empty()) return unit.tied_to + ".weight";
  return unit.name + ".weight";
}

std::vector<ExpectedParameter> expected_parameters(const ModelConfig& config, const Unit& unit) {
  const std::int64_t hidden = config.hidden_size;
  const std::int64_t q_width = config.num_attention_heads * config.head_dim;
  const std::int64_t kv_width = config.num_key_value_heads * config.head_dim;
  const std::int64_t inner = config.intermediate_size;
  switch (unit.kind) {
    case UnitKind::embedding:
    case UnitKind::lm_head:
      return {{single_weight_name(unit), Shape{config.vocab_size, hidden}}};
    case UnitKind::final_norm:
      return {{single_weight_name(unit), Shape{hidden}}};
    case UnitKind::custom:
      return {};
    case UnitKind::decoder_layer:
      break;
  }
  namespace p = layer_parameter;
  const std::string& base = unit.name;
  std::vector<ExpectedParameter> expected = {{base + std::string(p::input_norm), Shape{hidden}}};
  if (config.fused_projections) {
    expected.push_back({base + std::string(p::qkv_weight), Shape{q_width + 2 * kv_width, hidden}});
  } else {
    expected.push_back({base + std::string(p::q_weight), Shape{q_width, hidden}});
    expected.push_back({base + std::string(p::k_weight), Shape{kv_width, hidden}});
    expected.push_back({base + std::string(p::v_weight), Shape{kv_width, hidden}});
  }
  if (config.qk_norm) {
    expected.push_back({base + std::string(p::q_norm), Shape{config.head_dim}});
    expected.push_back({base + std::string(p::k_norm), Shape{config.head_dim}});
  }
  expected.push_back({base + std::string(p::o_weight), Shape{hidden, q_width}});
  expected.push_back({base + std::string(p::post_norm), Shape{hidden}});
  if (config.sandwich_norms) {
    expected.push_back({base + std::string(p::pre_feedforward_norm), Shape{hidden}});
    expected.push_back({base + std::string(p::post_feedforward_norm), Shape{hidden}});
  }
  if (config.fused_projections) {
    expected.push_back({base + std::string(p::gate_up_weight), Shape{2 * inner, hidden}});
  } else {
    expected.push_back({base + std::string(p::gate_weight), Shape{inner, hidden}});
    expected.push_back({base + std::string(p::up_weight), Shape{inner, hidden}});
  }
  expected.push_back({base + std::string(p::down_weight), Shape{hidden, inner}});
  if (config.attention_bias) {
    expected.push_back({base + std::string(p::q_bias), Shape{q_width}});
    expected.push_back({base + std::string(p::k_bias), Shape{kv_width}});
    expected.push_back({base + std::string(p::v_bias), Shape{kv_width}});
    // Qwen2 biases q, k and v only; Llama's attention_bias covers o_proj too.
    if (config.model_type != "qwen2") expected.push_back({base + std::string(p::o_bias), Shape{hidden}});
  }
  if (config.mlp_bias) {
    expected.push_back({base + std::string(p::gate_bias), Shape{inner}});
    expected.push_back({base + std::string(p::up_bias), Shape{inner}});
    expected.push_back({base + std::string(p::down_bias), Shape{hidden}});
  }
  return expected;
}

bool is_rotary_inverse_frequencies(const ModelConfig& config, const SafetensorsTensor& tensor) {
  constexpr std::string_view model_wide = "model.rotary_emb.inv_freq";
  constexpr std::string_view layer_prefix = "model.layers.";
  constexpr std::string_view layer_suffix = ".self_attn.rotary_emb.inv_freq";
  const std::string_view name = tensor.name;
  bool named = name == model_wide;
  if (!named && name.starts_with(layer_prefix) && name.ends_with(layer_suffix)) {
    const std::string_view digits =
        name.substr(layer_prefix.size(), name.size() - layer_prefix.size() - layer_suffix.size());
    std::int64_t layer = -1;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), layer);
    named = error == std::errc() && end == digits.data() + digits.size() && layer >= 0 &&
            layer < config.num_hidden_layers && std::to_string(layer) == digits;
  }
  const bool floats = tensor.dtype && *tensor.dtype != DType::i32;
  return named && floats && tensor.shape == std::vector<std::int64_t>{config.rotary_dimensions() / 2};
}

}  // namespace strata::detail
