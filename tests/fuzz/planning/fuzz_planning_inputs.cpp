// libFuzzer target for the text users hand the planner: device-map JSON (Hugging Face's
// hf_device_map form) and max_memory strings, plus the links of a simulated-devices file.
// The first byte picks the parser. Any failure must be a strata::Error; a map that parses must
// survive a JSON round trip and resolve (or be refused) against a real model's units.
#include <strata/device_map.hpp>
#include <strata/error.hpp>
#include <strata/planner.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

strata::ModelGraph small_model() {
  strata::ModelGraph graph;
  auto add = [&](const char* name, strata::UnitKind kind, std::vector<const char*> parameters) {
    strata::Unit unit;
    unit.name = name;
    unit.kind = kind;
    for (const char* parameter : parameters) unit.parameters.push_back({parameter, strata::DType::f32, {4}});
    graph.units.push_back(unit);
  };
  add("model.embed_tokens", strata::UnitKind::embedding, {"model.embed_tokens.weight"});
  add("model.layers.0", strata::UnitKind::decoder_layer,
      {"model.layers.0.self_attn.q_proj.weight", "model.layers.0.mlp.up_proj.weight"});
  add("model.layers.1", strata::UnitKind::decoder_layer, {"model.layers.1.self_attn.q_proj.weight"});
  add("model.layers.10", strata::UnitKind::decoder_layer, {"model.layers.10.mlp.up_proj.weight"});
  add("model.norm", strata::UnitKind::final_norm, {"model.norm.weight"});
  add("lm_head", strata::UnitKind::lm_head, {"model.embed_tokens.weight"});
  graph.units.back().tied_to = "model.embed_tokens";
  return graph;
}

[[noreturn]] void broken(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

void device_map(std::string_view text) {
  static const strata::ModelGraph graph = small_model();
  strata::DeviceMap map;
  try {
    map = strata::DeviceMap::from_json(text, {"opencl:0", "vulkan:0"});
  } catch (const strata::Error&) {
    return;
  }
  const strata::DeviceMap again = strata::DeviceMap::from_json(map.to_json());
  if (again.entries() != map.entries()) broken("to_json/from_json changed the map");
  std::vector<std::string> targets;
  try {
    targets = map.resolve(graph);
  } catch (const strata::Error&) {
    return;
  }
  if (targets.size() != graph.units.size()) broken("resolve gave the wrong number of targets");
  for (const std::string& target : targets)
    if (target.empty()) broken("resolve gave an empty target");
  // The compact form of the resolved placement must resolve to the same placement.
  if (strata::DeviceMap::from_targets(graph, targets).resolve(graph) != targets) broken("from_targets round trip");
}

void max_memory(std::string_view text) {
  try {
    const auto limits = strata::parse_max_memory(text);
    for (const auto& [key, bytes] : limits)
      if (key.empty()) broken("an empty device name was accepted");
  } catch (const strata::Error&) {
  }
}

void links(std::string_view text) {
  try {
    for (const strata::Link& link : strata::parse_links_json(text))
      if (!(link.bandwidth > 0)) broken("a link without bandwidth was accepted");
  } catch (const strata::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0:
      device_map(text);
      break;
    case 1:
      max_memory(text);
      break;
    default:
      links(text);
      break;
  }
  return 0;
}
