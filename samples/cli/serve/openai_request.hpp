// The bodies of POST /v1/completions and /v1/chat/completions, read and checked field by field.
// Every refusal names the field and says what it takes; fields this server does not know are
// ignored, as OpenAI's own clients add some; fields it knows but cannot honour (n > 1, logprobs,
// penalties other than repetition_penalty, tools) are refused rather than ignored.
#pragma once

#include <strata/chat_template.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::cli::serve {

// A request the server refuses with 400: `param` names the field ("" for the body as a whole).
class RequestError : public std::runtime_error {
 public:
  RequestError(std::string param, const std::string& message) : std::runtime_error(message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

// What both endpoints take; nullopt: the model's default (its generation_config.json).
struct SamplingFields {
  std::optional<std::int64_t> max_tokens;
  std::optional<float> temperature;
  std::optional<float> top_p;
  std::optional<std::int32_t> top_k;  // extensions, as vLLM and llama.cpp take them
  std::optional<float> min_p;
  std::optional<float> repetition_penalty;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> stop;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};

struct CompletionRequest {
  std::string prompt;
  SamplingFields sampling;
};

struct ChatRequest {
  std::vector<ChatMessage> messages;
  SamplingFields sampling;
};

// The body as JSON: an object, within the nesting and size limits of safe_io's bounded parser.
nlohmann::json parse_request_body(std::string_view body);

CompletionRequest parse_completion_request(const nlohmann::json& body);
ChatRequest parse_chat_request(const nlohmann::json& body);

}  // namespace strata::cli::serve
