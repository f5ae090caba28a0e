#include "first_fit.hpp"

#include "planning/shortfall.hpp"

#include <strata/error.hpp>

namespace strata::builtin_planners {

std::vector<std::uint32_t> first_fit(const PlanView& view, detail::MemoryLoads& loads, Assignment& assignment,
                                     const std::vector<std::uint32_t>& units,
                                     const std::vector<std::uint32_t>& devices) {
  std::vector<std::uint32_t> unplaced;
  for (std::uint32_t u : units) {
    bool placed = false;
    for (std::uint32_t d : devices) {
      if (!loads.fits(u, d, assignment)) continue;
      assignment[u] = d;
      loads.add(u, d, assignment);
      placed = true;
      break;
    }
    if (!placed) unplaced.push_back(u);
  }
  (void)view;
  return unplaced;
}

std::vector<std::uint32_t> preference_order(const PlanView& view) {
  std::vector<std::uint32_t> order;
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    if (!view.is_offload(d)) order.push_back(d);
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    if (view.is_offload(d) && !view.is_disk(d)) order.push_back(d);
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    if (view.is_disk(d)) order.push_back(d);
  return order;
}

void fail_unplaced(const PlanView& view, const detail::MemoryLoads& loads, const std::vector<std::uint32_t>& unplaced) {
  throw Error(StatusCode::out_of_memory, detail::unplaced_message(view, loads, unplaced));
}

}  // namespace strata::builtin_planners
