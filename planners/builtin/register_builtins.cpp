// The built-in planners join the registry through their entry functions, exactly as a plugin's
// strata_planner_entry would.
#include "planner_support.hpp"

#include "planning/planner_registry.hpp"

namespace strata::detail {

void register_builtin_planners(PlannerRegistry& registry) {
  for (strata_planner_entry_fn entry :
       {&builtin_planners::sequential_entry, &builtin_planners::balanced_entry, &builtin_planners::balanced_low_0_entry,
        &builtin_planners::latency_entry, &builtin_planners::throughput_entry})
    registry.add(entry, nullptr, {});
}

}  // namespace strata::detail
