// The exact search behind "latency" and "throughput": dynamic programming over stage plans,
// where every device holds at most one contiguous run of units (a pipeline stage) and the
// stages may use the devices in any order.
//
// State: (units placed so far, how many devices of each class are used, the class of the last
// stage). Devices with the same budget, speeds and links form a class, so 8 identical GPUs
// cost 9 states, not 256. A stage's cost depends only on its units and device class, and a
// transfer only on the two classes, so the best plan from a state on does not depend on how
// it was reached: the DP is exact over stage plans. When the state space would be too large
// (many distinct devices), the search keeps the devices in the request's order (still exact
// over those plans) and says so.
//
// Latency: value(j, used, k) = min over runs [i, j) on class k of value(i, used - k, k') +
// transfer(k' -> k) + time(i, j). The runs that fit memory (and a stage limit) end at j for a
// window of starts i that only moves forward as j grows, so the minimum comes from a monotone
// queue: O(units x states x classes) in all, whatever the run lengths.
// Bottleneck: the least B for which some plan keeps every stage and transfer within B, found by
// bisection over the bits of B (a reachability check per step, same windows); then the least
// latency among plans within B.
#pragma once

#include "planner_support.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace strata::builtin_planners {

enum class StageObjective {
  latency,     // the sum of all stages and transfers: one request's time per token
  bottleneck,  // the slowest stage or transfer: the rate of pipelined work
};

struct StageSearchOptions {
  StageObjective objective = StageObjective::latency;
  // Stages and transfers longer than this are not allowed.
  double stage_limit = std::numeric_limits<double>::infinity();
  // Budgets to plan with instead of the request's (the disk tier's KV cache reservation).
  std::vector<std::uint64_t> budgets;
  // States above which the search keeps the devices' order.
  std::size_t max_states = 2'000'000;
};

struct StageSearchResult {
  Assignment assignment;
  double value = 0;       // the objective: latency, or the bottleneck (then assignment has the least latency within it)
  bool any_order = true;  // false: the devices' order was kept
};

std::optional<StageSearchResult> search_stages(const PlanView& view, const StageSearchOptions& options);

// The planners' whole job: search, with the host memory that disk units' KV cache needs kept
// back from "cpu" (raised until the plan's need is covered). When no stage plan fits, falls
// back to first-fit placement (logged). Throws Error(out_of_memory) when nothing fits.
Assignment plan_stages(const PlanView& view, StageObjective objective);

}  // namespace strata::builtin_planners
