// "throughput": for batched, pipelined work - the plan whose slowest stage (a device's units, or
// the transfers over one link) is fastest; among those, the one with the least latency.
#include "stage_search.hpp"

namespace strata::builtin_planners {
namespace {

Assignment plan_throughput(const PlanView& view) { return plan_stages(view, StageObjective::bottleneck); }

}  // namespace

STRATA_BUILTIN_PLANNER(throughput_entry, "throughput",
                       "exact search for the fastest slowest pipeline stage, for batched pipelined work",
                       plan_throughput, STRATA_PLANNER_CHOOSES_HOST_DEVICE)

}  // namespace strata::builtin_planners
