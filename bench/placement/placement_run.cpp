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
    const std::int64_t sequences = shape.sequences * shape.micro_batches;
    options.sequences = sequences;
    options.micro_batches = shape.micro_batches;
    options.max_batch_tokens = std::max<std::int64_t>(options.max_batch_tokens, shape.sequences);
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

    // Every sequence's prompt, one after the other (a prompt fills steps of its own).
    std::vector<double> prefills;
    std::vector<Session::SequenceToken> next;
    for (int repeat = 0; repeat < std::max(shape.repeats, 1); ++repeat) {
      next.clear();
      const auto start = Clock::now();
      for (std::int64_t s = 0; s < sequences; ++s) {
        session.reset_sequence(s);
        const std::vector<float> logits = session.forward(s, prompt);
        next.push_back({s, Sampler({}).next(logits)});
      }
      prefills.push_back(static_cast<double>(shape.prompt_tokens * sequences) / seconds_since(start));
    }
    measured.prefill_tokens_per_second = median(prefills);

    const auto vocab = static_cast<std::size_t>(graph.config.vocab_size);
    std::vector<double> steps;
    for (std::int64_t i = 0; i < shape.decode_tokens; ++i) {
      const auto start = Clock::now();
      const std::vector<float> logits = session.decode(next);
      steps.push_back(seconds_since(start));
      for (std::size_t s = 0; s < next.size(); ++s)
        next[s].token = Sampler({}).next(std::span(logits).subspan(s * vocab, vocab));
    }
    measured.decode_tokens_per_second = static_cast<double>(sequences) / median(steps);
  } catch (const Error& error) {
    measured.error = error.what();
  }
  return measured;
}

}  // namespace strata::bench
