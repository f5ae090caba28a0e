#include "candidates.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace strata::bench {

Candidates plan_candidates(const ModelGraph& graph, const Runtime& runtime, const Workload& workload,
                           const std::vector<std::string>& strategies, const std::vector<std::string>& devices) {
  Candidates result;
  std::vector<std::pair<std::string, bool>> names;
  for (const std::string& strategy : strategies) names.emplace_back(strategy, false);
  for (const Device& device : runtime.devices())
    if (devices.empty() || std::find(devices.begin(), devices.end(), device.name()) != devices.end())
      names.emplace_back(device.name(), true);
  PlanOptions options;
  options.workload = workload;
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
    Candidate split;
    split.name = "even split";
    std::vector<std::string> targets;
    for (std::size_t u = 0; u < graph.units.size(); ++u)
      targets.push_back(split_devices[u * split_devices.size() / graph.units.size()]);
    try {
      split.plan = plan_with_map(graph, runtime, DeviceMap::from_targets(graph, targets), options);
      result.placements.push_back(split.plan->targets);
      split.placement = result.placements.size() - 1;
    } catch (const Error& error) {
      split.why = error.what();
    }
    result.candidates.push_back(std::move(split));
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
