// Prefill, then one decode step per new token with the KV cache, until max_new_tokens, a stop
// token, the caller says stop, or the session's cancel token is set.
#include <strata/error.hpp>
#include <strata/generate.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

namespace strata {

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::max_new_tokens:
      return "max_new_tokens";
    case StopReason::stop_token:
      return "stop_token";
    case StopReason::callback:
      return "callback";
    case StopReason::stop_string:
      return "stop_string";
    case StopReason::cancelled:
      return "cancelled";
  }
  return "unknown";
}

double GenerationResult::prefill_tokens_per_second() const {
  return prefill_seconds > 0 ? static_cast<double>(prompt_tokens) / prefill_seconds : 0.0;
}

double GenerationResult::decode_tokens_per_second() const {
  return decode_seconds > 0 ? static_cast<double>(decode_steps) / decode_seconds : 0.0;
}

GenerationResult generate(Session& session, std::span<const std::int32_t> prompt, const GenerateOptions& options) {
  const ModelConfig& config = session.graph().config;
  if (prompt.empty()) throw Error(StatusCode::invalid_argument, "generate: the prompt is empty");
  if (options.max_new_tokens < 0)
    throw Error(StatusCode::invalid_argument,
                fmt::format("generate: max_new_tokens must be >= 0, got {}", options.max_new_tokens));
  for (std::int32_t token : prompt)
    if (token < 0 || token >= config.vocab_size)
      throw Error(StatusCode::invalid_argument,
                  fmt::format("generate: prompt token {} is outside the vocabulary of {}", token, config.vocab_size));
  // Compared as room left, not as a sum: a max_new_tokens near INT64_MAX must not wrap around.
  const std::int64_t room = session.context_length() - session.position() - static_cast<std::int64_t>(prompt.size());
  if (options.max_new_tokens > room)
    throw Error(StatusCode::invalid_argument,
                fmt::format("generate: {} prompt tokens + {} new tokens{} exceed the context of {} tokens (the model's "
                            "limit is {}); shorten the prompt or ask for fewer tokens",
                            prompt.size(), options.max_new_tokens,
                            session.position() > 0 ? fmt::format(" + {} already held", session.position()) : "",
                            session.context_length(), config.context_limit()));
  Sampler sampler(options.sampling);
  // The repetition penalty looks at the prompt and the tokens generated, as transformers' does at
  // input_ids.
  std::vector<std::int32_t> context(prompt.begin(), prompt.end());

  using clock = std::chrono::steady_clock;
  auto seconds_since = [](clock::time_point start) {
    return std::chrono::duration<double>(clock::now() - start).count();
  };
  GenerationResult result;
  result.prompt_tokens = static_cast<std::int64_t>(prompt.size());
  // A cancelled forward pass throws and leaves the session where it was: the generation ends there.
  auto forward = [&](std::span<const std::int32_t> tokens) -> std::optional<std::vector<float>> {
    try {
      return session.forward(tokens);
    } catch (const Error& error) {
      if (error.code() != StatusCode::cancelled) throw;
      result.stop_reason = StopReason::cancelled;
      return std::nullopt;
    }
  };
  auto start = clock::now();
  std::optional<std::vector<float>> logits = forward(prompt);
  result.prefill_seconds = seconds_since(start);
  if (!logits) return result;

  while (static_cast<std::int64_t>(result.tokens.size()) < options.max_new_tokens) {
    const std::int32_t token = sampler.next(*logits, context);
    result.tokens.push_back(token);
    context.push_back(token);
    if (options.on_token && !options.on_token(token)) {
      result.stop_reason = StopReason::callback;
      return result;
    }
    if (std::find(options.stop_tokens.begin(), options.stop_tokens.end(), token) != options.stop_tokens.end()) {
      result.stop_reason = StopReason::stop_token;
      return result;
    }
    if (static_cast<std::int64_t>(result.tokens.size()) == options.max_new_tokens) break;
    start = clock::now();
    logits = forward(std::span(&token, 1));
    result.decode_seconds += seconds_since(start);
    if (!logits) return result;
    ++result.decode_steps;
  }
  result.stop_reason = StopReason::max_new_tokens;
  return result;
}

bool has_byte_vocabulary(const ModelConfig& config) { return config.vocab_size == 256; }

std::vector<std::int32_t> text_to_byte_tokens(std::string_view text) {
  std::vector<std::int32_t> tokens;
  tokens.reserve(text.size());
  for (char c : text) tokens.push_back(static_cast<std::int32_t>(static_cast<unsigned char>(c)));
  return tokens;
}

std::string byte_tokens_to_text(std::span<const std::int32_t> tokens) {
  std::string text;
  text.reserve(tokens.size());
  for (std::int32_t token : tokens) {
    if (token < 0 || token > 255)
      throw Error(StatusCode::invalid_argument, fmt::format("token {} is not a byte (0..255)", token));
    text.push_back(static_cast<char>(static_cast<unsigned char>(token)));
  }
  return text;
}

}  // namespace strata
