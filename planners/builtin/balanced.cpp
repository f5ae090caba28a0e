// "balanced" (= "auto") and "balanced_low_0": Hugging Face's meaning - the same share of the
// model on every GPU; low_0 keeps GPU 0 as empty as it can for the generation's own work -
// done so that nothing is offloaded while a GPU has room:
//  1. each accelerator of the pool gets a target share: equal, capped by its budget (water
//     filling), so small GPUs are full and large ones share the rest evenly; a target is set
//     when the walk reaches its accelerator, from what is left to place;
//  2. units go in order to the pool's accelerators, moving on when the next unit would take one
//     further past its target than short of it;
//  3. what is left (units too large for the targets, or that the walk's device does not run) goes
//     first-fit to every accelerator that runs it (GPU 0 included) and only then to cpu and disk.
//     accelerate's version instead caps GPU 0 and spills to the CPU while GPU 0 sits empty.
#include "first_fit.hpp"

#include <algorithm>

namespace strata::builtin_planners {
namespace {

std::uint64_t resident_bytes(const strata_plan_unit& unit) { return unit.weight_bytes + unit.kv_bytes; }

// The level L where the sum of min(capacity, L) reaches `need`.
std::vector<double> water_fill(const std::vector<double>& capacities, double need) {
  std::vector<double> sorted = capacities;
  std::sort(sorted.begin(), sorted.end());
  double level = sorted.empty() ? 0 : sorted.back();
  double remaining = need;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double share = remaining / static_cast<double>(sorted.size() - i);
    if (share <= sorted[i]) {
      level = share;
      break;
    }
    remaining -= sorted[i];
  }
  std::vector<double> targets;
  for (double capacity : capacities) targets.push_back(std::min(capacity, level));
  return targets;
}

Assignment plan_balanced(const PlanView& view, bool low_zero) {
  std::vector<std::uint32_t> accelerators;
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    if (!view.is_offload(d)) accelerators.push_back(d);
  std::vector<std::uint32_t> pool = accelerators;
  if (low_zero && pool.size() > 1) pool.erase(pool.begin());  // as accelerate: one GPU cannot be "low 0"

  double need = 0;
  std::uint64_t workspace = 0;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    need += static_cast<double>(resident_bytes(view.unit(u)));
    workspace = std::max(workspace, view.unit(u).workspace_bytes);
  }
  std::vector<double> capacities;
  for (std::uint32_t d : pool) {
    const std::uint64_t budget = view.device(d).budget_bytes;
    capacities.push_back(static_cast<double>(budget > workspace ? budget - workspace : 0));
  }

  // The target of each accelerator is its water-filled share of what is still to place, taken
  // afresh when the walk reaches it, so rounding on one does not pile up on the last.
  Assignment assignment(view.unit_count(), STRATA_PLAN_NONE);
  detail::MemoryLoads loads(view);
  std::vector<std::uint32_t> left;
  std::size_t g = 0;
  double share = 0;
  double placed_bytes = 0;
  auto target_of = [&](std::size_t index) {
    const std::vector<double> rest(capacities.begin() + static_cast<std::ptrdiff_t>(index), capacities.end());
    return water_fill(rest, need - placed_bytes).front();
  };
  double target = pool.empty() ? 0 : target_of(0);
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    const double bytes = static_cast<double>(resident_bytes(view.unit(u)));
    bool placed = false;
    while (g < pool.size()) {
      const std::uint32_t d = pool[g];
      if (!view.runs(u, d)) break;  // the unit goes first-fit below; the walk stays on d
      const bool last = g + 1 == pool.size();
      const bool within_target = share == 0 || last || share + bytes / 2 <= target;
      if (within_target && loads.fits(u, d, assignment)) {
        assignment[u] = d;
        loads.add(u, d, assignment);
        share += bytes;
        placed_bytes += bytes;
        placed = true;
        break;
      }
      if (++g < pool.size()) {
        share = 0;
        target = target_of(g);
      }
    }
    if (!placed) left.push_back(u);
  }
  std::vector<std::uint32_t> order = preference_order(view);
  const std::vector<std::uint32_t> unplaced = first_fit(view, loads, assignment, left, order);
  if (!unplaced.empty()) fail_unplaced(view, loads, unplaced);
  return assignment;
}

Assignment plan_balanced_all(const PlanView& view) { return plan_balanced(view, false); }
Assignment plan_balanced_low_zero(const PlanView& view) { return plan_balanced(view, true); }

}  // namespace

STRATA_BUILTIN_PLANNER(balanced_entry, "balanced",
                       "the same share of the model on every accelerator, then cpu, then disk (Hugging Face's "
                       "\"balanced\", also \"auto\")",
                       plan_balanced_all, 0)
STRATA_BUILTIN_PLANNER(balanced_low_0_entry, "balanced_low_0",
                       "as balanced, keeping the first accelerator as empty as the others' room allows",
                       plan_balanced_low_zero, 0)

}  // namespace strata::builtin_planners
