#include "candidates.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace strata::bench {

namespace {

// The explicit map `targets`, planned as a candidate called `name` (its predictions).
void add_explicit(Candidates& result, const std::string& name, const ModelGraph& graph, const Runtime& runtime,
                  const std::vector<std::string>& targets, const PlanOptions& options) {
  Candidate candidate;
  candidate.name = name;
  try {
    candidate.plan = plan_with_map(graph, runtime, DeviceMap::from_targets(graph, targets), options);
    result.placements.push_back(candidate.plan->targets);
    candidate.placement = result.placements.size() - 1;
  } catch (const Error& error) {
    candidate.why = error.what();
  }
  result.candidates.push_back(std::move(candidate));
}

std::vector<std::string> split_targets(const ModelGraph& graph, const std::vector<LayerSplit>& split) {
  std::int64_t layers = 0;
  for (const Unit& unit : graph.units) layers += unit.kind == UnitKind::decoder_layer ? 1 : 0;
  std::int64_t given = 0;
  for (const LayerSplit& part : split) given += part.layers;
  if (given != layers)
    throw std::runtime_error(fmt::format("--split places {} decoder layers; the model has {}", given, layers));
  std::vector<std::string> targets;
  std::size_t part = 0;
  std::int64_t left = split.front().layers;
  for (const Unit& unit : graph.units) {
    if (unit.kind == UnitKind::decoder_layer) {
      while (left == 0) left = split[++part].layers;
      --left;
      targets.push_back(split[part].device);
    } else {
      targets.push_back(targets.empty() ? split.front().device : split.back().device);
    }
  }
  return targets;
}

}  // namespace

std::vector<LayerSplit> parse_layer_split(const std::string& text) {
  std::vector<LayerSplit> split;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    const std::string part = text.substr(start, end - start);
    const std::size_t equals = part.rfind('=');
    std::int64_t layers = -1;
    if (equals != std::string::npos && equals > 0) {
      try {
        layers = std::stoll(part.substr(equals + 1));
      } catch (const std::exception&) {
        layers = -1;
      }
    }
    if (layers < 0)
      throw std::runtime_error(fmt::format("--split: '{}' is not DEVICE=LAYERS (e.g. --split cpu=7,vulkan:0=9)", part));
    split.push_back({part.substr(0, equals), layers});
    start = end + 1;
  }
  return split;
}

Candidates plan_candidates(const ModelGraph& graph, const Runtime& runtime, const Workload& workload,
                           const CandidateOptions& given) {
  const std::vector<std::string>& strategies = given.strategies;
  const std::vector<std::string>& devices = given.devices;
  Candidates result;
  std::vector<std::pair<std::string, bool>> names;
  for (const std::string& strategy : strategies) names.emplace_back(strategy, false);
  for (const Device& device : runtime.devices())
    if (devices.empty() || std::find(devices.begin(), devices.end(), device.name()) != devices.end())
      names.emplace_back(device.name(), true);
  PlanOptions options;
  options.workload = workload;
  options.allow_disk = given.allow_disk;
  std::vector<std::string> split_devices;
  for (const auto& [name, single] : names)
    if (single) split_devices.push_back(name);
  for (const auto& [name, single] : names) {
    Candidate candidate;
    candidate.name = name;
    candidate.single_device = single;
    try {
      // A device the planner merges with another view of the same GPU is still measured alone.
      candidate.plan = single ? plan_with_map(graph, runtime, DeviceMap({{"", name}}), options)
                              : plan(graph, runtime, name, options);
    } catch (const Error& error) {
      candidate.why = error.what();
      if (single && error.code() == StatusCode::invalid_argument) {
        // Planning leaves it out (the same GPU as another device): measure it without a prediction.
        candidate.plan = PlanResult{};
        candidate.plan->targets.assign(graph.units.size(), name);
        candidate.plan->report.latency_ms = candidate.plan->report.tokens_per_second =
            candidate.plan->report.prefill_tokens_per_second = std::nan("");
      }
    }
    if (candidate.plan) {
      const auto& targets = candidate.plan->targets;
      auto found = std::find(result.placements.begin(), result.placements.end(), targets);
      if (found == result.placements.end()) {
        result.placements.push_back(targets);
        found = result.placements.end() - 1;
      }
      candidate.placement = static_cast<std::size_t>(found - result.placements.begin());
    }
    result.candidates.push_back(std::move(candidate));
  }
  if (split_devices.size() > 1) {
    std::vector<std::string> targets;
    for (std::size_t u = 0; u < graph.units.size(); ++u)
      targets.push_back(split_devices[u * split_devices.size() / graph.units.size()]);
    add_explicit(result, "even split", graph, runtime, targets, options);
  }
  if (!given.split.empty()) {
    try {
      add_explicit(result, "split", graph, runtime, split_targets(graph, given.split), options);
    } catch (const std::runtime_error& error) {  // a split for another model's layers
      result.candidates.push_back(Candidate{"split", false, std::nullopt, error.what(), SIZE_MAX});
    }
  }
  return result;
}

std::string placement_text(const std::vector<std::string>& targets) {
  std::string text;
  for (std::size_t i = 0; i < targets.size();) {
    std::size_t j = i;
    while (j + 1 < targets.size() && targets[j + 1] == targets[i]) ++j;
    text += fmt::format("{}{} x{}", text.empty() ? "" : " + ", targets[i], j - i + 1);
    i = j + 1;
  }
  return text;
}

}  // namespace strata::bench
