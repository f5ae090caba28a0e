// "latency": the fastest plan for one request - the least time per token through all units and
// the transfers between devices, on devices of different speeds and sizes (stage_search.hpp).
#include "stage_search.hpp"

namespace strata::builtin_planners {
namespace {

Assignment plan_latency(const PlanView& view) { return plan_stages(view, 1); }

}  // namespace

STRATA_BUILTIN_PLANNER(latency_entry, "latency",
                       "exact search for the least time per token of one request, transfers included", plan_latency,
                       STRATA_PLANNER_CHOOSES_AMONG_VIEWS)

}  // namespace strata::builtin_planners
