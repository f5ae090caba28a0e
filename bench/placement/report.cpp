#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace strata::bench {
namespace {

// measured / predicted - 1, signed: +20% means the placement ran 20% faster than predicted.
double error_of(double predicted, double measured) {
  return std::isfinite(predicted) && predicted > 0 && measured > 0 ? measured / predicted - 1 : std::nan("");
}

std::string rate_text(double value) { return std::isfinite(value) && value > 0 ? fmt::format("{:.1f}", value) : "-"; }
std::string error_text(double error) { return std::isfinite(error) ? fmt::format("{:+.0f}%", error * 100) : "-"; }

nlohmann::json number(double value) { return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr); }

}  // namespace

nlohmann::json report_model(const ModelResult& result) {
  const auto& candidates = result.candidates.candidates;
  auto measured_of = [&](const Candidate& c) -> const Measured* {
    return c.placement < result.measured.size() ? &result.measured[c.placement] : nullptr;
  };
  // Decode ranks over the distinct placements that ran.
  std::vector<double> decodes;
  for (const Measured& m : result.measured)
    if (m.error.empty()) decodes.push_back(m.decode_tokens_per_second);
  std::sort(decodes.rbegin(), decodes.rend());
  auto rank_of = [&](double decode) {
    return static_cast<std::size_t>(std::find(decodes.begin(), decodes.end(), decode) - decodes.begin()) + 1;
  };

  fmt::print("\n### {}\n\n", result.model);
  fmt::print(
      "| plan | placement | prefill tokens/s predicted | measured | error | decode tokens/s predicted | "
      "measured | error | decode rank |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
  nlohmann::json rows = nlohmann::json::array();
  double worst_error = 0;
  std::size_t predictions = 0, within = 0;
  for (const Candidate& candidate : candidates) {
    const Measured* m = measured_of(candidate);
    if (!candidate.plan || !m || !m->error.empty()) {
      const std::string why = !candidate.plan ? candidate.why : (m ? m->error : std::string("not run"));
      fmt::print("| {} | does not run: {} | | | | | | | |\n", candidate.name, why);
      rows.push_back({{"plan", candidate.name}, {"error", why}});
      continue;
    }
    const PlanReport& report = candidate.plan->report;
    const double prefill_error = error_of(report.prefill_tokens_per_second, m->prefill_tokens_per_second);
    const double decode_error = error_of(report.tokens_per_second, m->decode_tokens_per_second);
    for (double error : {prefill_error, decode_error}) {
      if (!std::isfinite(error)) continue;
      ++predictions;
      within += std::abs(error) <= 0.30 ? 1 : 0;
      worst_error = std::max(worst_error, std::abs(error));
    }
    const std::string placement = placement_text(candidate.plan->targets);
    fmt::print("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", candidate.name, placement,
               rate_text(report.prefill_tokens_per_second), rate_text(m->prefill_tokens_per_second),
               error_text(prefill_error), rate_text(report.tokens_per_second), rate_text(m->decode_tokens_per_second),
               error_text(decode_error), rank_of(m->decode_tokens_per_second));
    rows.push_back({{"plan", candidate.name},
                    {"single_device", candidate.single_device},
                    {"placement", placement},
                    {"predicted_prefill_tokens_per_second", number(report.prefill_tokens_per_second)},
                    {"measured_prefill_tokens_per_second", m->prefill_tokens_per_second},
                    {"predicted_decode_tokens_per_second", number(report.tokens_per_second)},
                    {"measured_decode_tokens_per_second", m->decode_tokens_per_second},
                    {"decode_rank", rank_of(m->decode_tokens_per_second)}});
  }

  // The targets: the latency plan (what `make run` runs) against the fastest placement measured
  // and against the fastest single device; predictions within 30 %.
  nlohmann::json targets;
  const auto latency = std::find_if(candidates.begin(), candidates.end(), [&](const Candidate& c) {
    return c.name == "latency" && measured_of(c) && measured_of(c)->error.empty();
  });
  double best_single = 0;
  std::string best_single_name;
  for (const Candidate& c : candidates) {
    const Measured* m = measured_of(c);
    if (c.single_device && m && m->error.empty() && m->decode_tokens_per_second > best_single) {
      best_single = m->decode_tokens_per_second;
      best_single_name = c.name;
    }
  }
  fmt::print("\n");
  if (latency != candidates.end() && !decodes.empty()) {
    const double ours = measured_of(*latency)->decode_tokens_per_second;
    fmt::print(
        "- latency plan: {:.1f} tokens/s, rank {} of {} placements; {:.2f}x the fastest measured (target >= "
        "0.90)\n",
        ours, rank_of(ours), decodes.size(), ours / decodes.front());
    if (best_single > 0)
      fmt::print(
          "- latency plan (make run's) / the fastest single device ({}): {:.2f}x (target >= 1.00; the same "
          "placement reads 1.00)\n",
          best_single_name, ours / best_single);
    targets["latency_vs_fastest"] = ours / decodes.front();
    targets["latency_rank"] = rank_of(ours);
    targets["latency_vs_best_single_device"] = best_single > 0 ? nlohmann::json(ours / best_single) : nullptr;
    targets["best_single_device"] = best_single_name;
  }
  fmt::print("- predictions within 30% of their measurement: {} of {}; the largest error {:.0f}%\n", within,
             predictions, worst_error * 100);
  targets["predictions"] = predictions;
  targets["predictions_within_30_percent"] = within;
  targets["largest_error"] = worst_error;
  return {{"model", result.model}, {"rows", rows}, {"targets", targets}};
}

}  // namespace strata::bench
