// "Does not fit" messages that say how much is missing and where.
#pragma once

#include "planning/plan_view.hpp"

#include <string>
#include <vector>

namespace strata::detail {

// Checks the bounds no placement can beat: the model's total need against all budgets, the KV
// cache against the memory that can hold it (not disk), and each unit against the largest
// budget. Returns "" when they hold, else the message.
std::string capacity_shortfall(const PlanView& view);

// For a planner that could not place `unplaced` (in order): their size, and the room left.
std::string unplaced_message(const PlanView& view, const MemoryLoads& loads,
                             const std::vector<std::uint32_t>& unplaced);

// Per device over budget in a full assignment: "opencl:0 needs 30.00 GiB but has 22.80 GiB:
// 7.20 GiB missing", or "" when all fit.
std::string over_budget_message(const PlanView& view, const MemoryLoads& loads);

}  // namespace strata::detail
