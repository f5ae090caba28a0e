// "sequential": Hugging Face's meaning (fill the first GPU, then the next, then cpu, then
// disk), with room kept for the KV cache and workspace of the stated workload.
#include "first_fit.hpp"

namespace strata::builtin_planners {
namespace {

Assignment plan_sequential(const PlanView& view) {
  Assignment assignment(view.unit_count(), STRATA_PLAN_NONE);
  detail::MemoryLoads loads(view);
  std::vector<std::uint32_t> units(view.unit_count());
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) units[u] = u;
  const std::vector<std::uint32_t> unplaced = first_fit(view, loads, assignment, units, preference_order(view));
  if (!unplaced.empty()) fail_unplaced(view, loads, unplaced);
  return assignment;
}

}  // namespace

STRATA_BUILTIN_PLANNER(sequential_entry, "sequential",
                       "fill each accelerator in order, then cpu, then disk (Hugging Face's \"sequential\")",
                       plan_sequential, 0)

}  // namespace strata::builtin_planners
