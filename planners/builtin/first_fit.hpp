// Placing units one at a time on the first device, in a given order, that has room: the step
// the Hugging Face-style strategies share. Unlike accelerate, a device skipped for one unit is
// tried again for the next, so a small unit still fills room an earlier device has left.
#pragma once

#include "planner_support.hpp"

#include <vector>

namespace strata::builtin_planners {

// Places each of `units` (in order) on the first of `devices` where it fits; returns those that
// fit nowhere.
std::vector<std::uint32_t> first_fit(const PlanView& view, detail::MemoryLoads& loads, Assignment& assignment,
                                     const std::vector<std::uint32_t>& units,
                                     const std::vector<std::uint32_t>& devices);

// Every device: accelerators in the request's order, then the offload tiers (cpu, then disk).
std::vector<std::uint32_t> preference_order(const PlanView& view);

// Throws Error(out_of_memory) with the planner's name, the units left and the room left.
[[noreturn]] void fail_unplaced(const PlanView& view, const detail::MemoryLoads& loads,
                                const std::vector<std::uint32_t>& unplaced);

}  // namespace strata::builtin_planners
