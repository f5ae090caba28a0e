#include "placement_run.hpp"

#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/session.hpp>

#include <algorithm>
#include <chrono>

namespace strata::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

Measured measure_placement(const Runtime& runtime, const ModelGraph& graph, const WeightSource& weights,
                           const std::vector<std::string>& targets, const RunShape& shape) {
  Measured measured;
  try {
    SessionOptions options;
    options.context_length = shape.prompt_tokens + shape.decode_tokens + 1;
    Session session(runtime, graph, weights, targets, options);
    std::vector<std::int32_t> prompt(static_cast<std::size_t>(shape.prompt_tokens));
    for (std::size_t i = 0; i < prompt.size(); ++i)
      prompt[i] = static_cast<std::int32_t>((i * 31 + 7) % static_cast<std::size_t>(graph.config.vocab_size));

    // Warm-up: the first prefill builds kernels and touches every page; decoding on for a while
    // brings a GPU that idled during loading back to its working clocks.
    session.forward(prompt);
    const auto warm_until = Clock::now() + std::chrono::duration<double>(shape.warm_up_seconds);
    while (Clock::now() < warm_until && session.position() < session.context_length())
      session.forward(std::span(prompt).first(1));

    std::vector<double> prefills;
    std::vector<float> logits;
    for (int repeat = 0; repeat < std::max(shape.repeats, 1); ++repeat) {
      session.reset();
      const auto start = Clock::now();
      logits = session.forward(prompt);
      prefills.push_back(static_cast<double>(shape.prompt_tokens) / seconds_since(start));
    }
    measured.prefill_tokens_per_second = median(prefills);

    Sampler greedy({});
    std::vector<double> steps;
    for (std::int64_t i = 0; i < shape.decode_tokens; ++i) {
      const std::int32_t token = greedy.next(logits);
      const auto start = Clock::now();
      logits = session.forward(std::span(&token, 1));
      steps.push_back(seconds_since(start));
    }
    measured.decode_tokens_per_second = 1.0 / median(steps);
  } catch (const Error& error) {
    measured.error = error.what();
  }
  return measured;
}

}  // namespace strata::bench
