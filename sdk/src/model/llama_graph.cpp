// The Llama-family ModelGraph from a config, with the per-token numbers planners place by, and
// the checks a hand-built graph must pass before a Session runs it.
#include "llama_layout.hpp"
#include "model/config_limits.hpp"

#include <strata/error.hpp>
#include <strata/model.hpp>

#include <fmt/format.h>

#include <set>

namespace strata {
namespace {

constexpr std::uint64_t f32_bytes = 4;

Unit make_unit(const ModelConfig& config, std::string name, UnitKind kind, std::string tied_to = {}) {
  Unit unit;
  unit.name = std::move(name);
  unit.kind = kind;
  unit.tied_to = std::move(tied_to);
  for (detail::ExpectedParameter& expected : detail::expected_parameters(config, unit))
    unit.parameters.push_back({std::move(expected.name), config.dtype, expected.shape});
  return unit;
}

// Matrices cost a multiply-add per weight per token; vectors (norms, biases) one op per element.
double matmul_flops(const Unit& unit) {
  double flops = 0;
  for (const ParameterInfo& parameter : unit.parameters)
    flops += static_cast<double>(parameter.shape.elements()) * (parameter.shape.rank() == 2 ? 2.0 : 1.0);
  return flops;
}

}  // namespace

void detail::compute_unit_costs(const ModelConfig& config, Unit& unit) {
  const auto hidden = static_cast<std::uint64_t>(config.hidden_size);
  unit.flops_per_token = 0;
  unit.flops_per_token_per_context = 0;
  unit.kv_bytes_per_token = 0;
  unit.activation_bytes = hidden * f32_bytes;
  unit.weight_bytes_read_per_token = unit.parameter_bytes();
  switch (unit.kind) {
    case UnitKind::embedding:
      // One row of the table per token.
      unit.weight_bytes_read_per_token =
          unit.parameters.empty() ? 0 : hidden * dtype_size(unit.parameters.front().dtype);
      break;
    case UnitKind::decoder_layer:
      unit.flops_per_token = matmul_flops(unit) + 10.0 * static_cast<double>(hidden + config.intermediate_size);
      unit.flops_per_token_per_context = 4.0 * static_cast<double>(config.num_attention_heads * config.head_dim);
      unit.kv_bytes_per_token =
          2 * static_cast<std::uint64_t>(config.num_key_value_heads * config.head_dim) * f32_bytes;
      break;
    case UnitKind::final_norm:
      unit.flops_per_token = 4.0 * static_cast<double>(hidden);
      break;
    case UnitKind::lm_head:
      unit.flops_per_token = matmul_flops(unit);
      unit.activation_bytes = static_cast<std::uint64_t>(config.vocab_size) * f32_bytes;
      break;
    case UnitKind::custom:
      unit.flops_per_token = matmul_flops(unit);
      break;
  }
}

ModelGraph build_model_graph(const ModelConfig& config) {
  ModelGraph graph;
  graph.config = config;
  graph.units.push_back(make_unit(config, "model.embed_tokens", UnitKind::embedding));
  for (std::int64_t layer = 0; layer < config.num_hidden_layers; ++layer)
    graph.units.push_back(make_unit(config, fmt::format("model.layers.{}", layer), UnitKind::decoder_layer));
  graph.units.push_back(make_unit(config, "model.norm", UnitKind::final_norm));
  graph.units.push_back(make_unit(config, "lm_head", UnitKind::lm_head,
                                  config.tie_word_embeddings ? std::string("model.embed_tokens") : std::string()));
  for (Unit& unit : graph.units) detail::compute_unit_costs(config, unit);
  return graph;
}

void validate_model_graph(const ModelGraph& graph) {
  const ModelConfig& config = graph.config;
  auto fail = [](const std::string& message) { throw Error(StatusCode::invalid_argument, message); };
  if (config.vocab_size <= 0 || config.hidden_size <= 0 || config.intermediate_size <= 0 ||
      config.num_attention_heads <= 0 || config.num_key_value_heads <= 0 || config.head_dim <= 0 ||
      config.head_dim % 2 != 0 || config.num_attention_heads % config.num_key_value_heads != 0)
    fail(fmt::format(
        "model graph: the config's sizes are inconsistent (vocab {}, hidden {}, intermediate {}, heads {}, kv heads "
        "{}, head_dim {}): every size must be positive, head_dim even, and kv heads must divide heads",
        config.vocab_size, config.hidden_size, config.intermediate_size, config.num_attention_heads,
        config.num_key_value_heads, config.head_dim));
  if (config.rotary_dim != 0 &&
      (config.rotary_dim < 2 || config.rotary_dim % 2 != 0 || config.rotary_dim > config.head_dim))
    fail(fmt::format("model graph: config.rotary_dim ({}) must be 0 (all of head_dim) or even in 2..head_dim ({})",
                     config.rotary_dim, config.head_dim));
  if (config.max_position_embeddings <= 0) fail("model graph: config.max_position_embeddings must be positive");
  // NaN fails these comparisons too.
  namespace limits = detail::config_limits;
  if (!(config.rope_theta >= limits::min_rope_theta && config.rope_theta <= limits::max_rope_theta))
    fail(fmt::format("model graph: config.rope_theta must lie in {:g}..{:g}, got {}", limits::min_rope_theta,
                     limits::max_rope_theta, config.rope_theta));
  if (!(config.rms_norm_eps >= limits::min_norm_eps && config.rms_norm_eps <= limits::max_norm_eps))
    fail(fmt::format("model graph: config.rms_norm_eps must lie in {:g}..{:g}, got {}", limits::min_norm_eps,
                     limits::max_norm_eps, config.rms_norm_eps));
  if (graph.units.size() < 2 || graph.units.front().kind != UnitKind::embedding ||
      graph.units.back().kind != UnitKind::lm_head)
    fail("model graph: the units must start with an embedding and end with an lm_head");

  std::set<std::string_view> names;
  for (std::size_t index = 0; index < graph.units.size(); ++index) {
    const Unit& unit = graph.units[index];
    if (!names.insert(unit.name).second) fail(fmt::format("model graph: unit '{}' appears twice", unit.name));
    if (index > 0 && unit.kind == UnitKind::embedding)
      fail(fmt::format("model graph: embedding unit '{}' must be the first unit", unit.name));
    if (index + 1 < graph.units.size() && unit.kind == UnitKind::lm_head)
      fail(fmt::format("model graph: lm_head unit '{}' must be the last unit", unit.name));
    if (!unit.tied_to.empty() && unit.kind != UnitKind::lm_head)
      fail(fmt::format("model graph: only an lm_head may be tied, not '{}'", unit.name));
    if (unit.kind == UnitKind::custom) continue;

    const std::vector<detail::ExpectedParameter> expected = detail::expected_parameters(config, unit);
    for (const detail::ExpectedParameter& want : expected) {
      const ParameterInfo* have = unit.find_parameter(want.name);
      if (!have)
        fail(fmt::format("model graph: unit '{}' ({}) lacks parameter '{}' {}", unit.name, to_string(unit.kind),
                         want.name, want.shape.to_string()));
      if (!(have->shape == want.shape))
        fail(fmt::format("model graph: parameter '{}' of unit '{}' has shape {}, the config implies {}", want.name,
                         unit.name, have->shape.to_string(), want.shape.to_string()));
      if (have->dtype == DType::i32)
        fail(fmt::format("model graph: parameter '{}' must be f32, f16 or bf16, not i32", want.name));
    }
    for (const ParameterInfo& parameter : unit.parameters) {
      bool known = false;
      for (const detail::ExpectedParameter& want : expected) known = known || want.name == parameter.name;
      if (!known)
        fail(fmt::format("model graph: unit '{}' ({}) holds parameter '{}' that the config does not call for",
                         unit.name, to_string(unit.kind), parameter.name));
    }
  }
}

}  // namespace strata
