// "sequential": Hugging Face's meaning (fill the first GPU, then the next, then cpu, then
// disk), with room kept for the KV cache and workspace of the stated workload. The walk goes
// forward: a unit stays on the device the previous unit went to, or moves on to a later one. It
// goes back to an earlier accelerator only while the walk is still on the accelerators and no
// later one has room (so nothing is offloaded while an accelerator has room). Once the walk has
// reached cpu or disk it stays there: bringing a unit back to an accelerator's leftover room is
// the offload rule's call, which makes it only when that is faster (a norm between two disk units
// would only add two transfers).
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
  std::size_t current = 0;  // where the walk is, as an index into `preference`
  std::vector<std::uint32_t> unplaced;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    const auto at = [&](std::size_t i) { return preference.begin() + static_cast<std::ptrdiff_t>(i); };
    // The current device and the later ones of its group (accelerators, or offload tiers), then
    // the earlier ones of that group, then the other group.
    const bool offloading = current >= accelerators;
    const std::size_t group_begin = offloading ? accelerators : 0;
    const std::size_t group_end = offloading ? preference.size() : accelerators;
    std::vector<std::uint32_t> order(at(current), at(group_end));
    order.insert(order.end(), at(group_begin), at(current));
    if (offloading)
      order.insert(order.end(), at(0), at(accelerators));
    else
      order.insert(order.end(), at(accelerators), preference.end());
    for (std::uint32_t left : first_fit(view, loads, assignment, {u}, order)) unplaced.push_back(left);
    const auto placed = std::find(preference.begin(), preference.end(), assignment[u]);
    if (placed != preference.end()) current = std::max(current, static_cast<std::size_t>(placed - preference.begin()));
  }
  if (!unplaced.empty()) fail_unplaced(view, loads, unplaced);
  return assignment;
}

}  // namespace

STRATA_BUILTIN_PLANNER(sequential_entry, "sequential",
                       "fill each accelerator in order, then cpu, then disk (Hugging Face's \"sequential\")",
                       plan_sequential, 0)

}  // namespace strata::builtin_planners
