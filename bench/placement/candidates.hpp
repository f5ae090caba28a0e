// What the benchmark places: every strategy and every single device, each planned for the same
// workload; placements that two candidates share are measured once.
#pragma once

#include <strata/planner.hpp>
#include <strata/runtime.hpp>

#include <optional>
#include <string>
#include <vector>

namespace strata::bench {

struct Candidate {
  std::string name;                  // "latency", "cpu", ...
  bool single_device = false;        // a device name rather than a strategy
  std::optional<PlanResult> plan;    // nullopt: it could not be planned (why says why)
  std::string why;                   // the planner's error
  std::size_t placement = SIZE_MAX;  // index into the distinct placements
};

struct Candidates {
  std::vector<Candidate> candidates;
  std::vector<std::vector<std::string>> placements;  // distinct targets, one per unit
};

// Plans `graph` on `runtime` with each strategy and each device in `devices` (every device when
// empty) for `workload`, and one explicit map that splits the units evenly over those devices in
// order ("even split": what a placement that ignores speed does), so that a split placement and
// its transfers are measured and predicted too.
Candidates plan_candidates(const ModelGraph& graph, const Runtime& runtime, const Workload& workload,
                           const std::vector<std::string>& strategies, const std::vector<std::string>& devices);

// "cpu: model.embed_tokens .. lm_head" as a short text.
std::string placement_text(const std::vector<std::string>& targets);

}  // namespace strata::bench
