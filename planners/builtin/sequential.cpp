// "sequential": Hugging Face's meaning (fill the first GPU, then the next, then cpu, then
// disk), with room kept for the KV cache and workspace of the stated workload. A unit stays on
// the accelerator the previous unit went to, or moves on to a later one; it goes back to an
// earlier accelerator only when no later one has room for it, and before the offload tiers (so
// nothing is offloaded while an accelerator has room, and no plan hops back and forth for a
// norm that would fit anywhere).
#include "first_fit.hpp"

#include <algorithm>

namespace strata::builtin_planners {
namespace {

Assignment plan_sequential(const PlanView& view) {
  Assignment assignment(view.unit_count(), STRATA_PLAN_NONE);
  detail::MemoryLoads loads(view);
  const std::vector<std::uint32_t> preference = preference_order(view);
  const auto accelerators = static_cast<std::size_t>(
      std::count_if(preference.begin(), preference.end(), [&](std::uint32_t d) { return !view.is_offload(d); }));
  std::size_t current = 0;  // the accelerator the walk is on, as an index into `preference`
  std::vector<std::uint32_t> unplaced;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    // The current accelerator and the later ones, then the earlier ones, then the offload tiers.
    std::vector<std::uint32_t> order(preference.begin() + static_cast<std::ptrdiff_t>(current),
                                     preference.begin() + static_cast<std::ptrdiff_t>(accelerators));
    order.insert(order.end(), preference.begin(), preference.begin() + static_cast<std::ptrdiff_t>(current));
    order.insert(order.end(), preference.begin() + static_cast<std::ptrdiff_t>(accelerators), preference.end());
    for (std::uint32_t left : first_fit(view, loads, assignment, {u}, order)) unplaced.push_back(left);
    const auto at =
        std::find(preference.begin(), preference.begin() + static_cast<std::ptrdiff_t>(accelerators), assignment[u]);
    if (at != preference.begin() + static_cast<std::ptrdiff_t>(accelerators))
      current = std::max(current, static_cast<std::size_t>(at - preference.begin()));
  }
  if (!unplaced.empty()) fail_unplaced(view, loads, unplaced);
  return assignment;
}

}  // namespace

STRATA_BUILTIN_PLANNER(sequential_entry, "sequential",
                       "fill each accelerator in order, then cpu, then disk (Hugging Face's \"sequential\")",
                       plan_sequential, 0)

}  // namespace strata::builtin_planners
