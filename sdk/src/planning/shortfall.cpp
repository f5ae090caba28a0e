#include "planning/shortfall.hpp"

#include "planning/name_lists.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace strata::detail {
namespace {

std::uint64_t add_saturated(std::uint64_t a, std::uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }

std::string budgets_text(const PlanView& view) {
  std::vector<std::string> parts;
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    parts.push_back(fmt::format("{} {}", view.device_name(d), size_text(view.device(d).budget_bytes)));
  return fmt::format("{}", fmt::join(parts, ", "));
}

bool has_disk(const PlanView& view) {
  for (std::uint32_t d = 0; d < view.device_count(); ++d)
    if (view.is_disk(d)) return true;
  return false;
}

}  // namespace

std::string capacity_shortfall(const PlanView& view) {
  std::uint64_t weights = 0;
  std::uint64_t kv = 0;
  std::uint64_t workspace = 0;
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    const strata_plan_unit& unit = view.unit(u);
    weights = add_saturated(weights, unit.weight_bytes - std::min(unit.weight_bytes, unit.shared_weight_bytes));
    kv = add_saturated(kv, unit.kv_bytes);
    workspace = std::max(workspace, unit.workspace_bytes);
  }
  std::uint64_t all_budgets = 0;
  std::uint64_t memory_budgets = 0;  // what can hold KV caches and workspaces: everything but disk
  std::uint64_t largest = 0;
  std::uint32_t largest_device = 0;
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    const std::uint64_t budget = view.device(d).budget_bytes;
    all_budgets = add_saturated(all_budgets, budget);
    if (!view.is_disk(d)) memory_budgets = add_saturated(memory_budgets, budget);
    if (budget >= largest) {
      largest = budget;
      largest_device = d;
    }
  }
  const std::string workload =
      fmt::format("batch {} x {} tokens of context", view.request().batch_size, view.request().context_length);
  const std::string advice = has_disk(view) ? "shorten the context, lower the batch, or raise max_memory"
                                            : "allow the disk tier, shorten the context, or raise max_memory";

  const std::uint64_t need = add_saturated(add_saturated(weights, kv), workspace);
  if (need > all_budgets)
    return fmt::format(
        "the model does not fit: it needs {} ({} of weights, {} of KV cache for {}, {} of workspace) but the devices "
        "offer {} ({}): {} missing; {}",
        size_text(need), size_text(weights), size_text(kv), workload, size_text(workspace), size_text(all_budgets),
        budgets_text(view), size_text(need - all_budgets), advice);
  const std::uint64_t resident = add_saturated(kv, workspace);
  if (resident > memory_budgets)
    return fmt::format(
        "the model does not fit: its KV cache ({} for {}) and workspace ({}) must be in device or host memory, "
        "which offers {} ({}): {} missing; shorten the context or lower the batch",
        size_text(kv), workload, size_text(workspace), size_text(memory_budgets), budgets_text(view),
        size_text(resident - memory_budgets));
  for (std::uint32_t u = 0; u < view.unit_count(); ++u) {
    const strata_plan_unit& unit = view.unit(u);
    std::uint64_t smallest = add_saturated(unit.weight_bytes - std::min(unit.weight_bytes, unit.shared_weight_bytes),
                                           add_saturated(unit.kv_bytes, unit.workspace_bytes));
    bool fits_somewhere = false;
    for (std::uint32_t d = 0; d < view.device_count() && !fits_somewhere; ++d) {
      if (view.is_disk(d)) {
        const std::uint32_t host = view.memory_device(d);
        fits_somewhere = unit.weight_bytes <= view.device(d).budget_bytes &&
                         add_saturated(unit.kv_bytes, unit.workspace_bytes) <= view.device(host).budget_bytes;
      } else {
        fits_somewhere = smallest <= view.device(d).budget_bytes;
      }
    }
    if (!fits_somewhere)
      return fmt::format(
          "{} does not fit on any device: it needs {} ({} of weights, {} of KV cache, {} of workspace) "
          "and the largest budget is {} on {}: {} missing; {}",
          unit.name, size_text(smallest), size_text(unit.weight_bytes), size_text(unit.kv_bytes),
          size_text(unit.workspace_bytes), size_text(largest), view.device_name(largest_device),
          size_text(smallest - std::min(smallest, largest)), advice);
  }
  return {};
}

std::string unplaced_message(const PlanView& view, const MemoryLoads& loads,
                             const std::vector<std::uint32_t>& unplaced) {
  std::vector<std::string> names;
  std::uint64_t bytes = 0;
  for (std::uint32_t u : unplaced) {
    names.emplace_back(view.unit_name(u));
    const strata_plan_unit& unit = view.unit(u);
    bytes = add_saturated(bytes, add_saturated(unit.weight_bytes, unit.kv_bytes));
  }
  std::vector<std::string> rooms;
  std::uint64_t room = 0;
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    rooms.push_back(fmt::format("{} {}", view.device_name(d), size_text(loads.room(d))));
    room = add_saturated(room, loads.room(d));
  }
  return fmt::format("no room for {} ({} of weights and KV cache); room left: {}{}", summarize_names(names),
                     size_text(bytes), fmt::join(rooms, ", "),
                     bytes > room ? fmt::format(": {} missing", size_text(bytes - room))
                                  : std::string(": the room left is split in pieces too small for these units"));
}

std::string over_budget_message(const PlanView& view, const MemoryLoads& loads) {
  std::vector<std::string> parts;
  for (std::uint32_t d = 0; d < view.device_count(); ++d) {
    const std::uint64_t used = loads.load(d).used();
    const std::uint64_t budget = view.device(d).budget_bytes;
    if (used > budget)
      parts.push_back(fmt::format("{} needs {} but has {}: {} missing", view.device_name(d), size_text(used),
                                  size_text(budget), size_text(used - budget)));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

}  // namespace strata::detail
