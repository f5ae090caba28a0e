#include "planning_fixtures.hpp"

#include <strata/model.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace strata::testing {

ModelGraph small_llama(std::int64_t layers, std::int64_t vocab) {
  ModelConfig config;
  config.architecture = "LlamaForCausalLM";
  config.model_type = "llama";
  config.vocab_size = vocab;
  config.hidden_size = 512;
  config.intermediate_size = 1408;
  config.num_hidden_layers = layers;
  config.num_attention_heads = 8;
  config.num_key_value_heads = 4;
  config.head_dim = 64;
  config.max_position_embeddings = 512;
  config.dtype = DType::f16;
  return build_model_graph(config);
}

ModelGraph chain_graph(const std::vector<UnitSpec>& specs, bool llama_names) {
  ModelGraph graph;
  graph.config.max_position_embeddings = 1 << 20;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Unit unit;
    if (!llama_names) {
      unit.name = fmt::format("block.{}", i);
      unit.kind = UnitKind::custom;
    } else if (i == 0) {
      unit.name = "model.embed_tokens";
      unit.kind = UnitKind::embedding;
    } else if (i + 2 == specs.size()) {
      unit.name = "model.norm";
      unit.kind = UnitKind::final_norm;
    } else if (i + 1 == specs.size()) {
      unit.name = "lm_head";
      unit.kind = UnitKind::lm_head;
    } else {
      unit.name = fmt::format("model.layers.{}", i - 1);
      unit.kind = UnitKind::decoder_layer;
    }
    const UnitSpec& spec = specs[i];
    if (spec.weight_bytes > 0)
      unit.parameters.push_back(
          {unit.name + ".weight", DType::f32, Shape{static_cast<std::int64_t>(spec.weight_bytes / 4)}});
    unit.flops_per_token = spec.flops;
    unit.weight_bytes_read_per_token = spec.weight_read;
    unit.activation_bytes = spec.activation;
    unit.kv_bytes_per_token = spec.kv_per_token;
    graph.units.push_back(std::move(unit));
  }
  return graph;
}

DeviceInfo gpu(const std::string& name, std::uint64_t memory, double flops, double bandwidth, double host_link,
               const std::string& pci) {
  DeviceInfo info;
  info.name = name;
  info.backend = name.substr(0, name.find(':'));
  info.kind = DeviceKind::gpu;
  info.memory_total = memory;
  info.memory_free = memory;
  info.peak_flops = flops;
  info.memory_bandwidth = bandwidth;
  info.host_link_bandwidth = host_link;
  info.pci_bus_id = pci;
  info.caps.exact_speeds = true;  // described by the test: its figures are the truth
  return info;
}

DeviceInfo cpu(std::uint64_t memory, double flops, double bandwidth) {
  DeviceInfo info;
  info.name = "cpu";
  info.backend = "cpu";
  info.kind = DeviceKind::cpu;
  info.memory_total = memory;
  info.memory_free = memory;
  info.peak_flops = flops;
  info.memory_bandwidth = bandwidth;
  info.caps.exact_speeds = true;
  info.sharing = DeviceSharing::host_cores;
  return info;
}

std::map<std::string, Usage> memory_by_target(const ModelGraph& graph, const std::vector<std::string>& targets,
                                              const Workload& workload, double workspace_factor) {
  std::map<std::string, Usage> usage;
  const std::uint64_t tokens =
      static_cast<std::uint64_t>(std::min(workload.max_batch_tokens, workload.context_length)) *
      static_cast<std::uint64_t>(workload.batch_size);
  const std::uint64_t kv_size = dtype_size(workload.kv_dtype.value_or(DType::f32));
  for (std::size_t u = 0; u < graph.units.size(); ++u) {
    const Unit& unit = graph.units[u];
    const std::string& target = targets[u];
    std::uint64_t weights = unit.parameter_bytes();
    if (!unit.tied_to.empty()) {
      for (std::size_t p = 0; p < graph.units.size(); ++p) {
        if (graph.units[p].name != unit.tied_to || targets[p] != target) continue;
        for (const ParameterInfo& parameter : unit.parameters)
          if (graph.units[p].find_parameter(parameter.name)) weights -= parameter.bytes();
      }
    }
    usage[target].weights += weights;
    const std::string holder = target == "disk" ? "cpu" : target;
    Usage& memory = usage[holder];
    const std::uint64_t kv_per_token = (unit.kv_bytes_per_token * kv_size + 3) / 4;
    memory.kv += kv_per_token * static_cast<std::uint64_t>(workload.context_length) *
                 static_cast<std::uint64_t>(workload.batch_size * workload.micro_batches);
    const double factor = unit.kind == UnitKind::lm_head ? 1.0 : workspace_factor;
    memory.workspace = std::max(
        memory.workspace, static_cast<std::uint64_t>(static_cast<double>(unit.activation_bytes * tokens) * factor));
  }
  return usage;
}

std::string over_budget(const PlanResult& result, const ModelGraph& graph, double workspace_factor) {
  const auto usage = memory_by_target(graph, result.targets, result.report.workload, workspace_factor);
  for (const DevicePlan& device : result.report.devices) {
    const auto found = usage.find(device.name);
    if (found == usage.end()) continue;
    const std::uint64_t used = device.name == "disk" ? found->second.weights : found->second.total();
    if (used > device.budget_bytes)
      return fmt::format("{} uses {} of its budget {}", device.name, used, device.budget_bytes);
  }
  return {};
}

LatencyOf latency_of(const ModelGraph& graph, const std::vector<DeviceInfo>& devices, const PlanOptions& options) {
  return [&graph, devices, options](const std::vector<std::string>& targets) {
    return plan_with_map(graph, devices, DeviceMap::from_targets(graph, targets), options).report.latency_ms;
  };
}

std::string offload_violation(const PlanResult& result, const ModelGraph& graph, double workspace_factor,
                              const LatencyOf& latency) {
  auto fits_after_move = [&](std::size_t u, const std::string& to) {
    std::vector<std::string> moved = result.targets;
    moved[u] = to;
    PlanResult trial = result;
    trial.targets = moved;
    return over_budget(trial, graph, workspace_factor).empty();
  };
  for (std::size_t u = 0; u < graph.units.size(); ++u) {
    const std::string& at = result.targets[u];
    if (at != "cpu" && at != "disk") continue;
    for (const DevicePlan& device : result.report.devices) {
      const bool faster = !device.offload_tier || (at == "disk" && device.name == "cpu");
      if (!faster || device.name == at || !fits_after_move(u, device.name)) continue;
      if (latency) {
        std::vector<std::string> moved = result.targets;
        moved[u] = device.name;
        if (!(latency(moved) < latency(result.targets))) continue;  // the move would not make it faster
      }
      return fmt::format("{} is on {} but fits on {}", graph.units[u].name, at, device.name);
    }
  }
  return {};
}

}  // namespace strata::testing
