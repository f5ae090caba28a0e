// The exact search behind "latency" and "throughput": dynamic programming over stage plans,
// where every device holds at most one contiguous run of units (a pipeline stage), the stages may
// use the devices in any order, and at most one view of each piece of hardware is used (the host's
// cores: cpu, PoCL, lavapipe; one GPU through OpenCL and Vulkan).
//
// State: (units placed so far, how many devices of each class are used, the class of the last
// stage). Devices with the same budget, speeds and links form a class, so 8 identical GPUs
// cost 9 states, not 256. A stage's cost depends only on its units and device class, and a
// transfer only on the two classes, so the best plan from a state on does not depend on how
// it was reached: the DP is exact over stage plans. When the state space would be too large
// (many distinct devices), the search keeps the devices in the request's order (still exact
// over those plans) and says so. A run may hold only units its device runs (unit_seconds not
// INFINITY) with known times (not NaN).
//
// Latency: value(j, used, k) = min over runs [i, j) on class k of value(i, used - k, k') +
// transfer(k' -> k) + time(i, j). The runs that fit memory (and a stage limit) end at j for a
// window of starts i that only moves forward as j grows, so the minimum comes from a monotone
// queue: O(units x states x classes) in all, whatever the run lengths.
// With m micro-batches in flight, a step of every batch takes max(latency, m x bottleneck).
// L*(B), the least latency with every stage and transfer within B, only falls as B grows, so the
// optimum is m x B* for the least B* with L*(B*) <= m x B*, found by bisection over the bits of B;
// the plan is the least-latency one within B*. With m = 1 that is the latency plan.
#pragma once

#include "planner_support.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace strata::builtin_planners {

struct StageSearchOptions {
  // Stages and transfers longer than this are not allowed.
  double stage_limit = std::numeric_limits<double>::infinity();
  // Budgets to plan with instead of the request's (the disk tier's KV cache reservation).
  std::vector<std::uint64_t> budgets;
  // Devices the search may put units on; empty: all.
  std::vector<bool> usable;
  // States above which the search keeps the devices' order.
  std::size_t max_states = 2'000'000;
};

struct StageSearchResult {
  Assignment assignment;
  double latency = 0;     // of the plan found
  bool any_order = true;  // false: the devices' order was kept
};

// The least-latency stage plan within options.stage_limit, or nullopt when none fits.
std::optional<StageSearchResult> least_latency_plan(const PlanView& view, const StageSearchOptions& options);

// The stage plan with the least max(latency, micro_batches x bottleneck), among those within the
// budgets, the usable devices and no stage limit; nullopt when none fits.
std::optional<StageSearchResult> best_pipelined_plan(const PlanView& view, const StageSearchOptions& options,
                                                     std::int64_t micro_batches);

// The planners' whole job: for each choice of one view of each piece of hardware (the host's
// cores, a GPU seen through two APIs; the other views unused),
// search with the host memory that disk units' KV cache needs kept back from "cpu" (raised until
// the plan's need is covered), and keep the best. When no stage plan fits, falls back to
// first-fit placement (logged). Throws Error(out_of_memory) when nothing fits.
Assignment plan_stages(const PlanView& view, std::int64_t micro_batches);

}  // namespace strata::builtin_planners
