// The routes of `strata serve`: GET /health, GET /v1/models, POST /v1/completions and POST
// /v1/chat/completions. A generation request is checked, tokenized (through the model's chat
// template for chat) and handed to the scheduler with a ReplySink; what cannot be taken is
// answered at once with an OpenAI-style error.
#pragma once

#include "http_types.hpp"
#include "openai_response.hpp"
#include "scheduler.hpp"

#include <strata/chat_template.hpp>
#include <strata/generate.hpp>
#include <strata/tokenizer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace strata::cli::serve {

struct ApiConfig {
  std::string model_id;                       // what /v1/models lists and every response names
  std::int64_t created = 0;                   // when the model was loaded (Unix seconds)
  std::optional<Tokenizer> tokenizer;         // nullopt: a byte-level model
  std::optional<ChatTemplate> chat_template;  // nullopt: /v1/chat/completions is refused
  // The model's own defaults (generation_config.json): sampling, and the stop tokens of
  // completions; chat adds the template's end-of-sequence token when the model names none.
  GenerateOptions defaults;
  std::vector<std::int32_t> chat_stop_tokens;
  std::int64_t context_length = 0;     // of each sequence
  std::int64_t max_prompt_tokens = 0;  // longer prompts: 400
  std::int64_t max_tokens = 0;         // a larger max_tokens: 400; also the default
  int retry_after_seconds = 1;         // told to clients when the queue is full
};

class Api {
 public:
  Api(ApiConfig config, Scheduler& scheduler);

  // The server's Handler: on the server's thread.
  void handle(const HttpRequest& request, const std::shared_ptr<Reply>& reply);

 private:
  void generate(Endpoint endpoint, const HttpRequest& request, const std::shared_ptr<Reply>& reply);
  std::vector<std::int32_t> encode(const std::string& text, bool add_special_tokens, const char* param) const;

  const ApiConfig config_;
  Scheduler& scheduler_;
  std::mt19937_64 seeds_;  // for requests that give no seed
};

}  // namespace strata::cli::serve
