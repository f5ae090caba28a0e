// "throughput": for pipelined work - the plan with the least time per step of every micro-batch
// in flight, max(latency, micro-batches x the slowest stage), where a stage is a device's units
// (those of the host's cores together) or one link's transfers; among those, the least latency.
#include "stage_search.hpp"

namespace strata::builtin_planners {
namespace {

// With one micro-batch in flight a pipeline buys nothing: the plan is the latency plan.
Assignment plan_throughput(const PlanView& view) { return plan_stages(view, view.request().micro_batches); }

}  // namespace

STRATA_BUILTIN_PLANNER(throughput_entry, "throughput",
                       "exact search for the fastest pipeline for the workload's micro-batches (one: as latency)",
                       plan_throughput, STRATA_PLANNER_CHOOSES_AMONG_VIEWS)

}  // namespace strata::builtin_planners
