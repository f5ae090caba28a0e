// Text generation on a Session: prefill, then decode one token at a time with the KV cache;
// greedy or sampled (temperature, top-k, top-p, min-p, seeded), with a repetition penalty.
#pragma once

#include <strata/export.hpp>

#include <strata/model_graph.hpp>
#include <strata/session.hpp>

#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

struct STRATA_API SamplingOptions {
  float temperature = 0.0f;  // <= 0: greedy (the first of equal maxima, as torch.argmax)
  std::int32_t top_k = 0;    // 0: no limit
  float top_p = 1.0f;        // keep the smallest set of tokens whose probability reaches top_p
  std::uint64_t seed = 0;    // the same seed gives the same tokens
  // Sampling only: after temperature, drop tokens whose probability is below min_p times the
  // likeliest one's (0: off), as transformers' MinPLogitsWarper.
  float min_p = 0.0f;
  // Greedy and sampling: each token already in the context (the prompt and what was generated)
  // has its logit divided by this when positive, multiplied when negative (1: off), as
  // transformers' RepetitionPenaltyLogitsProcessor.
  float repetition_penalty = 1.0f;
};

// Picks the next token from a row of logits.
class STRATA_API Sampler {
 public:
  explicit Sampler(const SamplingOptions& options);
  // `context`: the ids the repetition penalty applies to (ids outside the logits are ignored).
  std::int32_t next(std::span<const float> logits, std::span<const std::int32_t> context = {});

 private:
  SamplingOptions options_;
  std::mt19937_64 random_;
  std::vector<float> penalized_;
  std::vector<std::pair<float, std::int32_t>> candidates_;
};

struct STRATA_API GenerateOptions {
  std::int64_t max_new_tokens = 64;
  std::vector<std::int32_t> stop_tokens;  // generation ends after emitting one of these
  SamplingOptions sampling;
  // Called with each new token as it is chosen; return false to stop.
  std::function<bool(std::int32_t)> on_token;
};

// stop_string: only from generate_text (text_generation.hpp).
// cancelled: the session's CancelToken (SessionOptions::cancel) was set; the tokens chosen before
// are kept, and the session holds them (a forward pass cut short leaves nothing of itself).
enum class StopReason { max_new_tokens, stop_token, callback, stop_string, cancelled };
STRATA_API std::string_view to_string(StopReason reason);

struct STRATA_API GenerationResult {
  std::vector<std::int32_t> tokens;  // the new tokens only
  StopReason stop_reason = StopReason::max_new_tokens;
  std::int64_t prompt_tokens = 0;
  double prefill_seconds = 0;  // the prompt's forward pass
  double decode_seconds = 0;   // every forward pass after it
  std::int64_t decode_steps = 0;

  double prefill_tokens_per_second() const;
  double decode_tokens_per_second() const;
};

// Runs `prompt` after what the session already holds (call session.reset() to start over), then
// generates. Throws Error(invalid_argument) before running anything when the prompt is empty,
// holds an id outside the vocabulary, or prompt + max_new_tokens exceeds the context.
STRATA_API GenerationResult generate(Session& session, std::span<const std::int32_t> prompt,
                                     const GenerateOptions& options = {});

// Byte-level vocabularies (256 tokens, id = byte value), like the demo model's.
STRATA_API bool has_byte_vocabulary(const ModelConfig& config);
STRATA_API std::vector<std::int32_t> text_to_byte_tokens(std::string_view text);
// Throws Error(invalid_argument) for an id outside 0..255.
STRATA_API std::string byte_tokens_to_text(std::span<const std::int32_t> tokens);

}  // namespace strata
