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

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

}  // namespace

double best_seconds_per_unit(double budget_seconds, int max_per_round, const std::function<void(int)>& run) {
  const Clock::time_point start = Clock::now();
  run(1);
  const double warm_up = seconds_since(start);
  // Rounds sized so that about four of them fit the budget, as the warm-up (an upper bound of
  // one unit's time) predicts.
  const int units = std::clamp(static_cast<int>(budget_seconds / (4 * std::max(warm_up, 1e-9))), 1, max_per_round);
  double best = std::numeric_limits<double>::infinity();
  for (int round = 0; round < max_rounds; ++round) {
    const Clock::time_point round_start = Clock::now();
    run(units);
    best = std::min(best, seconds_since(round_start) / units);
    if (seconds_since(start) >= budget_seconds) break;
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
