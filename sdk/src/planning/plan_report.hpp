// From a checked assignment to what strata::plan returns: targets, the compact device map and
// the report with its predictions.
#pragma once

#include "planning/plan_problem.hpp"

#include <strata/planner.hpp>

namespace strata::detail {

PlanResult make_result(const PlanProblem& problem, const Assignment& assignment, std::string strategy,
                       std::vector<std::string> notes);

}  // namespace strata::detail
