// Timing within a budget: each measurement repeats its work for at most its share of time (at
// least once) and keeps the best or the median, so one slow round (another process, a page
// fault) does not become the device's figure.
#pragma once

#include <functional>

namespace strata::detail {

// Calls `run(n)`, which must do n units of work and wait for them: once with n = 1 untimed (the
// first use compiles kernels and touches memory), once with n = 1 timed to size the rounds, then
// timed rounds of up to `max_per_round` units until `budget_seconds` have passed since the start
// and at least three rounds ran (a slow step stops at four budgets with fewer). Returns the best
// seconds per unit.
double best_seconds_per_unit(double budget_seconds, int max_per_round, const std::function<void(int units)>& run);

// Calls `run()` once untimed, then times it up to `max_samples` times within `budget_seconds`
// (at least once). Returns the median seconds.
double median_seconds(double budget_seconds, int max_samples, const std::function<void()>& run);

}  // namespace strata::detail
