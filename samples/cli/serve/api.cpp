// Limits, in the order a request meets them: the body (the server: 413), the JSON and its fields
// (400 naming the field), the prompt's tokens against --max-prompt-tokens (400), max_tokens
// against --max-tokens (400; the default when absent), then the queue (503 with Retry-After).
// Generation stops at the end of the context at the latest: max_tokens is cut to the room the
// prompt leaves, and such a reply ends with finish_reason "length".
#include "api.hpp"

#include "openai_request.hpp"
#include "reply_sink.hpp"

#include <strata/error.hpp>

#include <strata_safe_io/printable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

namespace strata::cli::serve {
namespace {

HttpResponse json_response(int status, const nlohmann::json& body) {
  return {status, "application/json", {}, dump_json(body)};
}

HttpResponse error_response(int status, std::string_view message, std::string_view param = "") {
  return json_response(status, error_json(status, message, param));
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// True when `request` uses `method`; otherwise answers 405 naming the one it takes.
bool method_is(std::string_view method, const HttpRequest& request, std::string_view path, Reply& reply) {
  if (request.method == method) return true;
  HttpResponse response = error_response(
      405, fmt::format("{} {} is not allowed; send {} {}", safe_io::printable(request.method, 16), path, method, path));
  response.headers.push_back({"Allow", std::string(method)});
  reply.send(std::move(response));
  return false;
}

}  // namespace

Api::Api(ApiConfig config, Scheduler& scheduler)
    : config_(std::move(config)), scheduler_(scheduler), seeds_(std::random_device{}()) {}

void Api::handle(const HttpRequest& request, const std::shared_ptr<Reply>& reply) {
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/health") {
    if (method_is("GET", request, path, *reply)) reply->send(json_response(200, {{"status", "ok"}}));
  } else if (path == "/v1/models") {
    if (method_is("GET", request, path, *reply))
      reply->send(json_response(200, models_json(config_.model_id, config_.created)));
  } else if (path == "/v1/completions") {
    if (method_is("POST", request, path, *reply)) generate(Endpoint::completions, request, reply);
  } else if (path == "/v1/chat/completions") {
    if (method_is("POST", request, path, *reply)) generate(Endpoint::chat, request, reply);
  } else {
    reply->send(error_response(404, fmt::format("there is nothing at {}; this server answers GET /health, GET "
                                                "/v1/models, POST /v1/completions and POST /v1/chat/completions",
                                                safe_io::printable(path, 128))));
  }
}

std::vector<std::int32_t> Api::encode(const std::string& text, bool add_special_tokens, const char* param) const {
  if (!config_.tokenizer) return text_to_byte_tokens(text);
  try {
    return config_.tokenizer->encode(text, add_special_tokens);
  } catch (const Error& error) {
    throw RequestError(param, fmt::format("'{}' cannot be tokenized: {}", param, error.what()));
  }
}

void Api::generate(Endpoint endpoint, const HttpRequest& request, const std::shared_ptr<Reply>& reply) {
  const ResponseIdentity identity{endpoint, new_response_id(endpoint), unix_seconds(), config_.model_id};
  GenerationJob job;
  job.id = identity.id;
  SamplingFields fields;
  const char* prompt_param = endpoint == Endpoint::chat ? "messages" : "prompt";
  try {
    const nlohmann::json body = parse_request_body(request.body);
    if (endpoint == Endpoint::completions) {
      CompletionRequest parsed = parse_completion_request(body);
      fields = std::move(parsed.sampling);
      // As `strata run` and transformers' tokenizer(prompt): with the special tokens the
      // tokenizer adds (BOS).
      job.prompt = encode(parsed.prompt, true, "prompt");
      job.stop_tokens = config_.defaults.stop_tokens;
    } else {
      if (!config_.chat_template)
        throw RequestError("", fmt::format("the model {} has no chat template (neither chat_template.jinja nor a "
                                           "\"chat_template\" in tokenizer_config.json), so it takes no messages; "
                                           "use POST /v1/completions with a prompt",
                                           config_.model_id));
      ChatRequest parsed = parse_chat_request(body);
      fields = std::move(parsed.sampling);
      std::string text;
      try {
        text = config_.chat_template->apply(parsed.messages, true);
      } catch (const Error& error) {
        throw RequestError("messages",
                           fmt::format("the model's chat template refuses these messages: {}", error.what()));
      }
      job.prompt = encode(text, false, "messages");  // the template writes BOS itself
      job.stop_tokens = config_.chat_stop_tokens;
    }
    const auto prompt_tokens = static_cast<std::int64_t>(job.prompt.size());
    if (prompt_tokens == 0)
      throw RequestError(prompt_param, fmt::format("'{}' is empty: give some text to continue", prompt_param));
    if (prompt_tokens > config_.max_prompt_tokens)
      throw RequestError(prompt_param, fmt::format("'{}' is {} tokens long; this server takes at most {} "
                                                   "(--max-prompt-tokens): shorten it",
                                                   prompt_param, prompt_tokens, config_.max_prompt_tokens));
    if (fields.max_tokens && *fields.max_tokens > config_.max_tokens)
      throw RequestError("max_tokens", fmt::format("'max_tokens' is {}; this server generates at most {} tokens a "
                                                   "request (--max-tokens): ask for {} or fewer",
                                                   *fields.max_tokens, config_.max_tokens, config_.max_tokens));
    // The context ends generation at the latest (finish_reason "length").
    job.max_tokens = std::min(fields.max_tokens.value_or(config_.max_tokens), config_.context_length - prompt_tokens);
    SamplingOptions& sampling = job.sampling;
    sampling = config_.defaults.sampling;
    if (fields.temperature) sampling.temperature = *fields.temperature;
    if (fields.top_p) sampling.top_p = *fields.top_p;
    if (fields.top_k) sampling.top_k = *fields.top_k;
    if (fields.min_p) sampling.min_p = *fields.min_p;
    if (fields.repetition_penalty) sampling.repetition_penalty = *fields.repetition_penalty;
    sampling.seed = fields.seed ? *fields.seed : seeds_();
    job.stop_strings = fields.stop;
  } catch (const RequestError& error) {
    reply->send(error_response(400, error.what(), error.param()));
    return;
  } catch (const Error& error) {
    reply->send(error_response(500, error.what()));
    return;
  }
  auto sink = std::make_shared<ReplySink>(identity, fields.stream, fields.include_usage, reply);
  job.sink = sink;
  switch (scheduler_.submit(std::move(job))) {
    case Scheduler::Admission::queued:
      sink->open();
      return;
    case Scheduler::Admission::queue_full: {
      HttpResponse response = error_response(
          503, fmt::format("the server is busy: all {} sequences run and the queue is full; try again shortly",
                           scheduler_.sequences()));
      response.headers.push_back({"Retry-After", std::to_string(config_.retry_after_seconds)});
      reply->send(std::move(response));
      return;
    }
    case Scheduler::Admission::stopping: {
      HttpResponse response = error_response(503, "the server is shutting down");
      response.headers.push_back({"Retry-After", "5"});
      reply->send(std::move(response));
      return;
    }
  }
}

}  // namespace strata::cli::serve
