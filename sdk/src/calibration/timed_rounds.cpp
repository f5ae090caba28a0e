#include "calibration/timed_rounds.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

namespace strata::detail {
namespace {

using Clock = std::chrono::steady_clock;

// Enough rounds to trust the best; beyond them a fast step stops before its budget.
constexpr int max_rounds = 32;
// The fewest rounds whose best is trusted: one round of a slow step (a prompt-sized layer on a
// software device) can take the whole budget, and a single sample carries every disturbance.
constexpr int min_rounds = 3;
// How far past its budget a slow step may run to reach min_rounds.
constexpr double min_rounds_patience = 4.0;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

double best_seconds_per_unit(double budget_seconds, int max_per_round, const std::function<void(int)>& run) {
  const Clock::time_point start = Clock::now();
  run(1);  // first use: kernels compiled, memory touched
  const Clock::time_point second = Clock::now();
  run(1);
  double best = seconds_since(second);
  // Rounds sized so that about four of them fit the budget, as one warm unit predicts.
  const int units = std::clamp(static_cast<int>(budget_seconds / (4 * std::max(best, 1e-9))), 1, max_per_round);
  for (int round = 0; round < max_rounds; ++round) {
    const Clock::time_point round_start = Clock::now();
    run(units);
    best = std::min(best, seconds_since(round_start) / units);
    const double elapsed = seconds_since(start);
    const bool enough_rounds = round + 1 >= min_rounds || elapsed >= min_rounds_patience * budget_seconds;
    if (elapsed >= budget_seconds && enough_rounds) break;
  }
  return best;
}

double median_seconds(double budget_seconds, int max_samples, const std::function<void()>& run) {
  const Clock::time_point start = Clock::now();
  run();
  std::vector<double> samples;
  while (samples.empty() || (static_cast<int>(samples.size()) < max_samples && seconds_since(start) < budget_seconds)) {
    const Clock::time_point sample_start = Clock::now();
    run();
    samples.push_back(seconds_since(sample_start));
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

}  // namespace strata::detail
