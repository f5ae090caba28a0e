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
  // Stages and transfers longer than this are not allowed (the throughput planner's second pass).
  double stage_limit = std::numeric_limits<double>::infinity();
  // Budgets to plan with instead of the request's (the disk tier's KV cache reservation).
  std::vector<std::uint64_t> budgets;
  // States above which the search keeps the devices' order.
  std::size_t max_states = 2'000'000;
};

struct StageSearchResult {
  Assignment assignment;
  double value = 0;
  bool any_order = true;  // false: the devices' order was kept
};

std::optional<StageSearchResult> search_stages(const PlanView& view, const StageSearchOptions& options);

// The planners' whole job: search, with the host memory that disk units' KV cache needs kept
// back from "cpu" (raised until the plan's need is covered), and for `bottleneck`, a second
// search for the lowest latency among plans with the best bottleneck. When no stage plan fits,
// falls back to first-fit placement (logged). Throws Error(out_of_memory) when nothing fits.
Assignment plan_stages(const PlanView& view, StageObjective objective);

}  // namespace strata::builtin_planners
