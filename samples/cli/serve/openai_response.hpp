// The JSON this server answers with, in OpenAI's shapes: completions and chat completions whole
// or as stream chunks, the model list, and errors.
#pragma once

#include "job.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::cli::serve {

enum class Endpoint { completions, chat };

// What every response and chunk of one request repeats.
struct ResponseIdentity {
  Endpoint endpoint = Endpoint::completions;
  std::string id;  // "cmpl-..." or "chatcmpl-..."
  std::int64_t created = 0;
  std::string model;
};

// "cmpl-" or "chatcmpl-" and 24 random hex digits.
std::string new_response_id(Endpoint endpoint);

std::string_view finish_reason_name(FinishReason reason);

nlohmann::json usage_json(const Usage& usage);

// The whole answer: "text_completion" with choices[0].text, or "chat.completion" with
// choices[0].message.
nlohmann::json completion_json(const ResponseIdentity& identity, const std::string& text, FinishReason reason,
                               const Usage& usage);

// One piece of a stream: text (or a chat delta) with finish_reason null, or the last one with
// its finish_reason and no text. A chat stream starts with a chunk whose delta is the role.
nlohmann::json chunk_json(const ResponseIdentity& identity, std::string_view text,
                          std::optional<FinishReason> reason = std::nullopt);
nlohmann::json chat_role_chunk_json(const ResponseIdentity& identity);
// stream_options.include_usage: the chunk after the last, with no choices and the usage.
nlohmann::json usage_chunk_json(const ResponseIdentity& identity, const Usage& usage);

// GET /v1/models: the one model this server holds.
nlohmann::json models_json(const std::string& model, std::int64_t created);

// {"error": {"message", "type", "param", "code"}}: "invalid_request_error" for 4xx, "server_error"
// for 5xx. `param`: the field at fault, "" for none.
nlohmann::json error_json(int status, std::string_view message, std::string_view param = "");

// JSON text of a value whose strings may hold bytes that are not UTF-8 (a byte-level model's
// output): those become U+FFFD rather than failing.
std::string dump_json(const nlohmann::json& value);

}  // namespace strata::cli::serve
