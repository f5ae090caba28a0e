// Field names and order as OpenAI's API reference shows them.
#include "openai_response.hpp"

#include <fmt/format.h>

#include <mutex>
#include <random>

namespace strata::cli::serve {

using nlohmann::json;

namespace {

std::string_view object_name(Endpoint endpoint, bool chunk) {
  if (endpoint == Endpoint::completions) return "text_completion";
  return chunk ? "chat.completion.chunk" : "chat.completion";
}

json envelope(const ResponseIdentity& identity, bool chunk) {
  return {{"id", identity.id},
          {"object", object_name(identity.endpoint, chunk)},
          {"created", identity.created},
          {"model", identity.model}};
}

json finish_json(std::optional<FinishReason> reason) {
  return reason ? json(finish_reason_name(*reason)) : json(nullptr);
}

}  // namespace

std::string new_response_id(Endpoint endpoint) {
  static std::mutex mutex;
  static std::mt19937_64 random{std::random_device{}()};
  std::lock_guard lock(mutex);
  return fmt::format("{}-{:016x}{:08x}", endpoint == Endpoint::chat ? "chatcmpl" : "cmpl", random(),
                     random() & 0xffffffffu);
}

std::string_view finish_reason_name(FinishReason reason) { return reason == FinishReason::stop ? "stop" : "length"; }

json usage_json(const Usage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

json completion_json(const ResponseIdentity& identity, const std::string& text, FinishReason reason,
                     const Usage& usage) {
  json out = envelope(identity, false);
  json choice = {{"index", 0}};
  if (identity.endpoint == Endpoint::chat) {
    choice["message"] = {{"role", "assistant"}, {"content", text}};
  } else {
    choice["text"] = text;
  }
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = finish_reason_name(reason);
  out["choices"] = json::array({choice});
  out["usage"] = usage_json(usage);
  return out;
}

json chunk_json(const ResponseIdentity& identity, std::string_view text, std::optional<FinishReason> reason) {
  json out = envelope(identity, true);
  json choice = {{"index", 0}};
  if (identity.endpoint == Endpoint::chat) {
    choice["delta"] = reason ? json::object() : json{{"content", text}};
  } else {
    choice["text"] = text;
  }
  choice["logprobs"] = nullptr;
  choice["finish_reason"] = finish_json(reason);
  out["choices"] = json::array({choice});
  return out;
}

json chat_role_chunk_json(const ResponseIdentity& identity) {
  json out = envelope(identity, true);
  out["choices"] = json::array({{{"index", 0},
                                 {"delta", {{"role", "assistant"}, {"content", ""}}},
                                 {"logprobs", nullptr},
                                 {"finish_reason", nullptr}}});
  return out;
}

json usage_chunk_json(const ResponseIdentity& identity, const Usage& usage) {
  json out = envelope(identity, true);
  out["choices"] = json::array();
  out["usage"] = usage_json(usage);
  return out;
}

json models_json(const std::string& model, std::int64_t created) {
  return {{"object", "list"},
          {"data", json::array({{{"id", model}, {"object", "model"}, {"created", created}, {"owned_by", "strata"}}})}};
}

json error_json(int status, std::string_view message, std::string_view param) {
  return {{"error",
           {{"message", message},
            {"type", status >= 500 ? "server_error" : "invalid_request_error"},
            {"param", param.empty() ? json(nullptr) : json(param)},
            {"code", nullptr}}}};
}

std::string dump_json(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace strata::cli::serve
