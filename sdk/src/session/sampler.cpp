// Next-token choice: a repetition penalty, then greedy, or temperature / top-k / top-p / min-p
// sampling (in transformers' order) from a seeded generator whose stream is the same on every
// platform (no std:: distributions, whose output is not).
#include <strata/error.hpp>
#include <strata/generate.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace strata {

Sampler::Sampler(const SamplingOptions& options) : options_(options), random_(options.seed) {
  if (!std::isfinite(options.temperature) || options.temperature < 0)
    throw Error(StatusCode::invalid_argument,
                fmt::format("sampling: temperature must be a finite number >= 0, got {}", options.temperature));
  if (options.top_k < 0)
    throw Error(StatusCode::invalid_argument, fmt::format("sampling: top_k must be >= 0, got {}", options.top_k));
  if (!(options.top_p > 0 && options.top_p <= 1))
    throw Error(StatusCode::invalid_argument, fmt::format("sampling: top_p must lie in (0, 1], got {}", options.top_p));
  if (!(options.min_p >= 0 && options.min_p <= 1))
    throw Error(StatusCode::invalid_argument, fmt::format("sampling: min_p must lie in [0, 1], got {}", options.min_p));
  if (!std::isfinite(options.repetition_penalty) || options.repetition_penalty <= 0)
    throw Error(
        StatusCode::invalid_argument,
        fmt::format("sampling: repetition_penalty must be a finite number > 0, got {}", options.repetition_penalty));
}

std::int32_t Sampler::next(std::span<const float> logits, std::span<const std::int32_t> context) {
  if (logits.empty()) throw Error(StatusCode::invalid_argument, "sampling: no logits");
  if (options_.repetition_penalty != 1.0f && !context.empty()) {
    // Each distinct id once, however often it occurs: transformers gathers the original logits
    // and scatters the penalized ones back, so a repeated id is not penalized twice.
    penalized_.assign(logits.begin(), logits.end());
    std::vector<bool> seen(logits.size());
    for (std::int32_t id : context) {
      if (id < 0 || static_cast<std::size_t>(id) >= logits.size() || seen[static_cast<std::size_t>(id)]) continue;
      seen[static_cast<std::size_t>(id)] = true;
      float& logit = penalized_[static_cast<std::size_t>(id)];
      logit = logit < 0 ? logit * options_.repetition_penalty : logit / options_.repetition_penalty;
    }
    logits = penalized_;
  }
  if (options_.temperature <= 0) {
    // The first of equal maxima, as torch.argmax and transformers' greedy search pick.
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
  // Scaled after subtracting the largest logit: the likeliest token keeps weight exp(0) = 1 however
  // small the temperature, where logit / 1e-45 would overflow to inf and inf - inf to NaN.
  const float largest = *std::max_element(logits.begin(), logits.end());
  candidates_.clear();
  for (std::size_t i = 0; i < logits.size(); ++i)
    candidates_.emplace_back((logits[i] - largest) / options_.temperature, static_cast<std::int32_t>(i));
  auto higher = [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  };
  std::size_t keep = candidates_.size();
  if (options_.top_k > 0 && static_cast<std::size_t>(options_.top_k) < keep) {
    keep = static_cast<std::size_t>(options_.top_k);
    std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(keep), candidates_.end(),
                      higher);
    candidates_.resize(keep);
  } else {
    std::sort(candidates_.begin(), candidates_.end(), higher);
  }
  // Softmax over the survivors, largest first; top-p keeps the shortest prefix reaching p.
  const float top = candidates_.front().first;
  double total = 0;
  for (auto& candidate : candidates_) {
    candidate.first = static_cast<float>(std::exp(static_cast<double>(candidate.first - top)));
    total += candidate.first;
  }
  if (options_.top_p < 1) {
    double running = 0;
    std::size_t prefix = 0;
    while (prefix < candidates_.size()) {
      running += candidates_[prefix++].first;
      if (running >= options_.top_p * total) break;
    }
    candidates_.resize(prefix);
    total = running;
  }
  if (options_.min_p > 0) {
    // The likeliest survivor weighs exp(0) = 1, so min_p times its probability is min_p in
    // weights; candidates are sorted, so the survivors are a prefix.
    std::size_t prefix = 1;
    while (prefix < candidates_.size() && candidates_[prefix].first >= options_.min_p) ++prefix;
    total = 0;
    for (std::size_t i = 0; i < prefix; ++i) total += candidates_[i].first;
    candidates_.resize(prefix);
  }
  const double draw = static_cast<double>(random_() >> 11) * 0x1.0p-53 * total;
  double running = 0;
  for (const auto& [weight, id] : candidates_) {
    running += weight;
    if (draw < running) return id;
  }
  return candidates_.back().second;
}

}  // namespace strata
