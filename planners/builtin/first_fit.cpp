#include "first_fit.hpp"

#include "planning/shortfall.hpp"

#include <strata/error.hpp>

namespace strata::builtin_planners {

namespace {

// A unit for disk whose KV cache finds no room in host memory: move the last units placed on
// the host to disk as well (their weights leave host memory, their KV cache stays) until it
// fits. The host then holds an earlier run and disk the rest, as sequential placement wants.
bool make_host_room_for_disk(const PlanView& view, detail::MemoryLoads& loads, Assignment& assignment,
                             std::uint32_t unit, std::uint32_t disk) {
  const std::uint32_t host = view.memory_device(disk);
  if (host == disk) return false;
  while (!loads.fits(unit, disk, assignment)) {
    std::uint32_t victim = STRATA_PLAN_NONE;
    for (std::uint32_t v = 0; v < view.unit_count(); ++v)
      if (assignment[v] == host) victim = v;
    if (victim == STRATA_PLAN_NONE) return false;
    assignment[victim] = STRATA_PLAN_NONE;
    const detail::MemoryLoads without(view, assignment);
    if (!without.fits(victim, disk, assignment)) {
      assignment[victim] = host;
      return false;
    }
    assignment[victim] = disk;
    loads = detail::MemoryLoads(view, assignment);
  }
  return true;
}

}  // namespace

std::vector<std::uint32_t> first_fit(const PlanView& view, detail::MemoryLoads& loads, Assignment& assignment,
                                     const std::vector<std::uint32_t>& units,
                                     const std::vector<std::uint32_t>& devices) {
  std::vector<std::uint32_t> unplaced;
  for (std::uint32_t u : units) {
    bool placed = false;
    for (std::uint32_t d : devices) {
      if (!view.runs(u, d) || !loads.fits(u, d, assignment)) continue;
      assignment[u] = d;
      loads.add(u, d, assignment);
      placed = true;
      break;
    }
    for (std::uint32_t d : devices) {
      if (placed || !view.is_disk(d) || !view.runs(u, d)) continue;
      const Assignment before = assignment;
      if (make_host_room_for_disk(view, loads, assignment, u, d)) {
        assignment[u] = d;
        loads.add(u, d, assignment);
        placed = true;
      } else {
        assignment = before;
        loads = detail::MemoryLoads(view, assignment);
      }
    }
    if (!placed) unplaced.push_back(u);
  }
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
