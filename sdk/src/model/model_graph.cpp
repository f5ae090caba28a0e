#include <strata/model_graph.hpp>

#include <algorithm>
#include <set>

namespace strata {

std::string_view to_string(UnitKind kind) {
  switch (kind) {
    case UnitKind::embedding:
      return "embedding";
    case UnitKind::decoder_layer:
      return "decoder_layer";
    case UnitKind::final_norm:
      return "final_norm";
    case UnitKind::lm_head:
      return "lm_head";
    case UnitKind::custom:
      return "custom";
  }
  return "unknown";
}

std::uint64_t Unit::parameter_bytes() const {
  std::uint64_t total = 0;
  for (const ParameterInfo& parameter : parameters) total += parameter.bytes();
  return total;
}

const ParameterInfo* Unit::find_parameter(std::string_view parameter_name) const {
  for (const ParameterInfo& parameter : parameters)
    if (parameter.name == parameter_name) return &parameter;
  return nullptr;
}

std::int64_t ModelConfig::context_limit() const { return max_position_embeddings; }

DType ModelConfig::default_kv_dtype() const { return dtype == DType::f32 ? DType::f32 : DType::f16; }

const Unit* ModelGraph::find(std::string_view name) const {
  for (const Unit& unit : units)
    if (unit.name == name) return &unit;
  return nullptr;
}

std::uint64_t ModelGraph::parameter_bytes() const {
  std::set<std::string_view> seen;
  std::uint64_t total = 0;
  for (const Unit& unit : units)
    for (const ParameterInfo& parameter : unit.parameters)
      if (seen.insert(parameter.name).second) total += parameter.bytes();
  return total;
}

std::uint64_t ModelGraph::kv_bytes_per_token() const {
  std::uint64_t total = 0;
  for (const Unit& unit : units) total += unit.kv_bytes_per_token;
  return total;
}

std::uint64_t ModelGraph::weight_bytes_read_per_token() const {
  std::uint64_t total = 0;
  for (const Unit& unit : units) total += unit.weight_bytes_read_per_token;
  return total;
}

double ModelGraph::flops_per_token() const {
  double total = 0;
  for (const Unit& unit : units) total += unit.flops_per_token;
  return total;
}

}  // namespace strata
