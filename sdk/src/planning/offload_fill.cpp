#include "planning/offload_fill.hpp"

#include <cmath>
#include <limits>

namespace strata::detail {
namespace {

// Devices a unit on `from` should rather be on, best first: accelerators; then, for disk, the
// other offload tiers.
bool better_tier(const PlanView& view, std::uint32_t from, std::uint32_t to, bool accelerators_only) {
  if (from == to) return false;
  if (!view.is_offload(to)) return true;
  return !accelerators_only && view.is_disk(from) && !view.is_disk(to);
}

// Where unit u, now on an offload tier, should go instead: the better-tier device with room for
// it that runs it and gives the least predicted latency, if that is less than now. Unknown times
// (devices without speed figures) keep Hugging Face's rule: the first such device. Returns the
// unit's own device when it should stay.
std::uint32_t better_place(const PlanView& view, const Assignment& assignment, std::uint32_t u,
                           bool accelerators_only) {
  const std::uint32_t from = assignment[u];
  Assignment without = assignment;
  without[u] = STRATA_PLAN_NONE;
  const MemoryLoads loads(view, without);
  const double now = evaluate(view, assignment).latency;
  std::uint32_t best = from;
  double best_latency = std::numeric_limits<double>::infinity();
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    if (!better_tier(view, from, d, accelerators_only) || !view.runs(u, d) || !loads.fits(u, d, without)) continue;
    Assignment trial = assignment;
    trial[u] = d;
    const double latency = evaluate(view, trial).latency;
    if (std::isnan(latency) || std::isnan(now)) {
      if (best == from) best = d;
      continue;
    }
    if (latency < now && latency < best_latency) {
      best_latency = latency;
      best = d;
    }
  }
  return best;
}

std::size_t fill_pass(const PlanView& view, Assignment& assignment, bool accelerators_only) {
  std::size_t moved = 0;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    if (!view.is_offload(assignment[u])) continue;
    const std::uint32_t best = better_place(view, assignment, u, accelerators_only);
    if (best != assignment[u]) {
      assignment[u] = best;
      ++moved;
    }
  }
  return moved;
}

}  // namespace

std::size_t fill_offload_gaps(const PlanView& view, Assignment& assignment) {
  // Accelerators first for every offloaded unit; their room only shrinks from here on. Then
  // disk -> cpu (or accelerators), repeated: a disk unit that leaves gives back the host memory
  // its KV cache took, which may make room on "cpu" for a disk unit checked before it. Units only
  // ever leave disk, so this ends.
  std::size_t moved = fill_pass(view, assignment, true);
  for (std::size_t round = fill_pass(view, assignment, false); round > 0; round = fill_pass(view, assignment, false))
    moved += round;
  return moved;
}

bool offload_rule_holds(const PlanView& view, const Assignment& assignment) {
  for (std::uint32_t u = 0; u < view.unit_count(); ++u)
    if (view.is_offload(assignment[u]) && better_place(view, assignment, u, false) != assignment[u]) return false;
  return true;
}

}  // namespace strata::detail
