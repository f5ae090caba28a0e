#include "decode_run.hpp"

#include <strata/generate.hpp>
#include <strata/loaded_model.hpp>
#include <strata/session.hpp>

#include <algorithm>
#include <chrono>
#include <vector>

namespace strata::bench {
namespace {

// Decode runs this long before anything is timed: a GPU that idled while the weights were made
// and uploaded has lowered its clocks, and takes a few hundred milliseconds of work to raise them
// (seen on an H200: 345 MHz idle, 1980 MHz busy; 64 timed tokens fit inside the ramp).
constexpr std::chrono::milliseconds kWarmUp{1500};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A prompt of `count` tokens, different for each `seed`.
std::vector<std::int32_t> prompt_of(std::int64_t count, std::int64_t seed, std::int64_t vocab) {
  std::vector<std::int32_t> prompt(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < prompt.size(); ++i)
    prompt[i] = static_cast<std::int32_t>((i * 31 + 7 + static_cast<std::size_t>(seed) * 101) %
                                          static_cast<std::size_t>(vocab));
  return prompt;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

DecodeResult measure_decode(const Runtime& runtime, const std::string& model, const ModelGraph& graph,
                            const WeightSource& weights, const std::string& device, std::int64_t prompt_tokens,
                            std::int64_t decode_tokens) {
  DecodeResult result;
  result.model = model;
  result.device = device;
  result.weight_bytes_per_token = graph.weight_bytes_read_per_token();

  SessionOptions options;
  options.context_length = prompt_tokens + decode_tokens + 8;
  auto start = std::chrono::steady_clock::now();
  Session session(runtime, graph, weights, std::vector<std::string>(graph.units.size(), device), options);
  result.load_seconds = seconds_since(start);

  const std::vector<std::int32_t> prompt = prompt_of(prompt_tokens, 0, graph.config.vocab_size);
  // Warm-up: a prefill touches every weight page and builds the pipelines of both matmul paths;
  // decoding on until kWarmUp has passed brings the device to its working clocks.
  session.forward(prompt);
  const auto warm_until = std::chrono::steady_clock::now() + kWarmUp;
  std::int64_t position = prompt_tokens;
  while (std::chrono::steady_clock::now() < warm_until) {
    if (position + 1 >= options.context_length) {
      session.reset();
      session.forward(std::span(prompt).first(1));
      position = 1;
    }
    session.forward(std::span(prompt).subspan(static_cast<std::size_t>(position % prompt_tokens), 1));
    ++position;
  }
  session.reset();
  start = std::chrono::steady_clock::now();
  std::vector<float> logits = session.forward(prompt);
  result.prefill_tokens_per_second = static_cast<double>(prompt_tokens) / seconds_since(start);

  Sampler greedy({});
  std::vector<double> steps;
  for (std::int64_t i = 0; i < decode_tokens; ++i) {
    const std::int32_t token = greedy.next(logits);
    start = std::chrono::steady_clock::now();
    logits = session.forward(std::span(&token, 1));
    steps.push_back(seconds_since(start));
  }
  result.decode_tokens_per_second = 1.0 / median(steps);
  result.best_tokens_per_second = 1.0 / *std::min_element(steps.begin(), steps.end());
  return result;
}

std::vector<BatchedResult> measure_batched_decode(const Runtime& runtime, const ModelGraph& graph,
                                                  const WeightSource& weights, const std::string& device,
                                                  std::span<const std::int64_t> sequence_counts,
                                                  std::int64_t prompt_tokens, std::int64_t decode_tokens) {
  const LoadedModel model(runtime, graph, weights, std::vector<std::string>(graph.units.size(), device));
  std::vector<BatchedResult> results;
  for (const std::int64_t count : sequence_counts) {
    SessionOptions options;
    options.context_length = prompt_tokens + 2 * decode_tokens + 8;
    options.sequences = count;
    options.max_batch_tokens = std::max<std::int64_t>(count, prompt_tokens);
    Session session(model, options);
    std::vector<Session::SequenceToken> next;
    for (std::int64_t s = 0; s < count; ++s) {
      const std::vector<float> logits = session.forward(s, prompt_of(prompt_tokens, s, graph.config.vocab_size));
      next.push_back({s, static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin())});
    }
    // Untimed steps first (pipelines built for this batch size, clocks up), then the timed ones.
    std::vector<double> steps;
    for (std::int64_t i = 0; i < 2 * decode_tokens; ++i) {
      const auto start = std::chrono::steady_clock::now();
      const std::vector<float> logits = session.decode(next);
      if (i >= decode_tokens) steps.push_back(seconds_since(start));
      const auto vocab = static_cast<std::size_t>(graph.config.vocab_size);
      for (std::size_t s = 0; s < next.size(); ++s) {
        const auto row = logits.begin() + static_cast<std::ptrdiff_t>(s * vocab);
        next[s].token =
            static_cast<std::int32_t>(std::max_element(row, row + static_cast<std::ptrdiff_t>(vocab)) - row);
      }
    }
    results.push_back({count, static_cast<double>(count) / median(steps)});
  }
  return results;
}

}  // namespace strata::bench
