// Field by field, as OpenAI documents them; a null field counts as absent, as OpenAI's own
// server treats it.
#include "openai_request.hpp"

#include <strata_safe_io/bounded_json.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <utility>

namespace strata::cli::serve {
namespace {

using nlohmann::json;

std::string kind_of(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return "a number";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    default:
      return "an unexpected value";
  }
}

// The field, or null when it is absent or null.
const json* field(const json& body, std::string_view name) {
  const auto found = body.find(name);
  return found == body.end() || found->is_null() ? nullptr : &*found;
}

[[noreturn]] void wrong(std::string_view name, std::string_view expected, std::string_view got,
                        std::string_view example) {
  throw RequestError(std::string(name), fmt::format("'{}' must be {}, got {}; send for example \"{}\": {}", name,
                                                    expected, got, name, example));
}

// An integer field within [low, high]; a number with a fraction, or another type, is refused.
std::optional<std::int64_t> integer_field(const json& body, std::string_view name, std::int64_t low, std::int64_t high,
                                          std::string_view expected, std::string_view example) {
  const json* value = field(body, name);
  if (value == nullptr) return std::nullopt;
  std::int64_t number = 0;
  if (value->is_number_unsigned()) {
    const auto unsigned_number = value->get<std::uint64_t>();
    if (unsigned_number > static_cast<std::uint64_t>(high)) wrong(name, expected, value->dump(), example);
    number = static_cast<std::int64_t>(unsigned_number);
  } else if (value->is_number_integer()) {
    number = value->get<std::int64_t>();
  } else if (value->is_number_float()) {
    // 16.0 is 16, as Python's JSON would give it.
    const double real = value->get<double>();
    if (!(std::trunc(real) == real && real >= static_cast<double>(low) && real <= static_cast<double>(high)))
      wrong(name, expected, value->dump(), example);
    number = static_cast<std::int64_t>(real);
  } else {
    wrong(name, expected, kind_of(*value), example);
  }
  if (number < low || number > high) wrong(name, expected, std::to_string(number), example);
  return number;
}

struct NumberRange {
  double low;
  double high;
  bool low_open = false;  // low itself is refused
};

std::optional<float> number_field(const json& body, std::string_view name, NumberRange range, std::string_view expected,
                                  std::string_view example) {
  const json* value = field(body, name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number()) wrong(name, expected, kind_of(*value), example);
  const double number = value->get<double>();
  if (!std::isfinite(number) || number < range.low || (range.low_open && number == range.low) || number > range.high)
    wrong(name, expected, value->dump(), example);
  return static_cast<float>(number);
}

bool boolean_field(const json& body, std::string_view name, std::string_view example) {
  const json* value = field(body, name);
  if (value == nullptr) return false;
  if (!value->is_boolean()) wrong(name, "true or false", kind_of(*value), example);
  return value->get<bool>();
}

[[noreturn]] void unsupported(std::string_view name, std::string_view what) {
  throw RequestError(std::string(name), fmt::format("'{}' {}", name, what));
}

// Fields of OpenAI's API that this server does not implement: refused unless they hold the value
// that means "off", so that no request silently gets something other than what it asked for.
void refuse_unsupported(const json& body, bool chat) {
  // 1 is the only value these take.
  integer_field(body, "n", 1, 1, "1 (one choice per request)", "1");
  if (!chat) integer_field(body, "best_of", 1, 1, "1 (one candidate per request)", "1");
  if (!chat && boolean_field(body, "echo", "false"))
    unsupported("echo", "is not supported: the completion never repeats the prompt; leave it out or send false");
  if (const json* logprobs = field(body, "logprobs"); logprobs && !(logprobs->is_boolean() && !logprobs->get<bool>()))
    unsupported("logprobs", "is not supported by this server; leave it out");
  if (field(body, "top_logprobs")) unsupported("top_logprobs", "is not supported by this server; leave it out");
  if (const json* suffix = field(body, "suffix");
      suffix && !(suffix->is_string() && suffix->get<std::string>().empty()))
    unsupported("suffix", "is not supported (no insertion); leave it out");
  for (const char* penalty : {"presence_penalty", "frequency_penalty"})
    if (number_field(body, penalty, {-2, 2}, "a number from -2 to 2", "0").value_or(0) != 0)
      unsupported(penalty, "is not supported: leave it out or send 0; repetition_penalty (an extension) is");
  if (const json* bias = field(body, "logit_bias"); bias && !(bias->is_object() && bias->empty()))
    unsupported("logit_bias", "is not supported by this server; leave it out");
  for (const char* tools : {"tools", "functions"})
    if (const json* value = field(body, tools); value && !(value->is_array() && value->empty()))
      unsupported(tools, "is not supported: this server does not call tools; leave it out");
  if (const json* format = field(body, "response_format");
      format && !(format->is_object() && format->value("type", json("text")) == "text"))
    unsupported("response_format", "is not supported beyond {\"type\": \"text\"}; leave it out");
  if (const json* model = field(body, "model"); model && !model->is_string())
    wrong("model", "a string", kind_of(*model), "\"default\"");
}

std::vector<std::string> stop_field(const json& body) {
  constexpr std::size_t max_stop_strings = 4;  // as OpenAI
  const json* value = field(body, "stop");
  if (value == nullptr) return {};
  if (value->is_string()) return {value->get<std::string>()};
  if (!value->is_array()) wrong("stop", "a string or an array of strings", kind_of(*value), "[\"\\n\\n\"]");
  if (value->size() > max_stop_strings)
    throw RequestError("stop",
                       fmt::format("'stop' holds {} strings; send at most {}", value->size(), max_stop_strings));
  std::vector<std::string> stop;
  for (const json& item : *value) {
    if (!item.is_string())
      wrong("stop", "a string or an array of strings", "an array holding " + kind_of(item), "[\"\\n\\n\"]");
    stop.push_back(item.get<std::string>());
  }
  return stop;
}

SamplingFields sampling_fields(const json& body, bool chat) {
  refuse_unsupported(body, chat);
  SamplingFields fields;
  constexpr std::int64_t int32_max = std::numeric_limits<std::int32_t>::max();
  constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();
  fields.max_tokens = integer_field(body, "max_tokens", 1, int64_max, "an integer of at least 1", "16");
  // The chat API's newer name for the same limit.
  if (chat)
    if (auto newer = integer_field(body, "max_completion_tokens", 1, int64_max, "an integer of at least 1", "16"))
      fields.max_tokens = newer;
  fields.temperature = number_field(body, "temperature", {0, 2}, "a number from 0 to 2 (0: greedy)", "0.7");
  fields.top_p = number_field(body, "top_p", {0, 1, true}, "a number above 0 and at most 1", "0.9");
  // -1 means no limit, as vLLM takes it.
  if (const auto top_k =
          integer_field(body, "top_k", -1, int32_max, "an integer of at least 0 (0 or -1: no limit)", "40"))
    fields.top_k = static_cast<std::int32_t>(std::max<std::int64_t>(*top_k, 0));
  fields.min_p = number_field(body, "min_p", {0, 1}, "a number from 0 to 1", "0.05");
  fields.repetition_penalty =
      number_field(body, "repetition_penalty", {0, 100, true}, "a number above 0 and at most 100 (1: off)", "1.1");
  if (const json* seed = field(body, "seed")) {
    // -1 means no seed (a random one), as llama.cpp takes it.
    if (seed->is_number_unsigned()) {
      fields.seed = seed->get<std::uint64_t>();
    } else if (!(seed->is_number_integer() && seed->get<std::int64_t>() == -1)) {
      wrong("seed", "an integer of at least 0", seed->is_number() ? seed->dump() : kind_of(*seed), "1234");
    }
  }
  fields.stop = stop_field(body);
  fields.stream = boolean_field(body, "stream", "true");
  if (const json* options = field(body, "stream_options")) {
    if (!options->is_object()) wrong("stream_options", "an object", kind_of(*options), "{\"include_usage\": true}");
    if (!fields.stream) throw RequestError("stream_options", "'stream_options' is only taken with \"stream\": true");
    if (const json* usage = field(*options, "include_usage")) {
      if (!usage->is_boolean()) wrong("stream_options.include_usage", "true or false", kind_of(*usage), "true");
      fields.include_usage = usage->get<bool>();
    }
  }
  return fields;
}

// A message's content: a string, or OpenAI's list of parts, of which text parts are taken
// (joined by line breaks).
std::string message_content(const json& content, const std::string& where) {
  if (content.is_null()) return {};
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array())
    throw RequestError(where, fmt::format("'{}' must be a string or an array of text parts, got {}; send for example "
                                          "\"content\": \"Hello\"",
                                          where, kind_of(content)));
  std::string text;
  for (std::size_t i = 0; i < content.size(); ++i) {
    const json& part = content[i];
    const std::string part_where = fmt::format("{}[{}]", where, i);
    if (!part.is_object() || part.value("type", json()) != "text" || !part.contains("text") ||
        !part["text"].is_string())
      throw RequestError(part_where, fmt::format("'{}' must be a text part, {{\"type\": \"text\", \"text\": \"...\"}}; "
                                                 "this server takes text only",
                                                 part_where));
    if (i > 0) text += '\n';
    text += part["text"].get<std::string>();
  }
  return text;
}

}  // namespace

nlohmann::json parse_request_body(std::string_view body) {
  std::string why;
  std::optional<json> parsed = safe_io::parse_bounded_json(body, why);
  if (!parsed)
    throw RequestError("", fmt::format("the request body is not valid JSON ({}); send one JSON object, with "
                                       "Content-Type: application/json",
                                       why));
  if (!parsed->is_object())
    throw RequestError("", fmt::format("the request body must be a JSON object, got {}", kind_of(*parsed)));
  return std::move(*parsed);
}

CompletionRequest parse_completion_request(const nlohmann::json& body) {
  CompletionRequest request;
  const json* prompt = field(body, "prompt");
  if (prompt == nullptr)
    throw RequestError("prompt", "'prompt' is missing; send the text to complete, for example \"prompt\": \"Once\"");
  // A list of one string is that string (some clients always send a list).
  if (prompt->is_array() && prompt->size() == 1 && (*prompt)[0].is_string()) prompt = &(*prompt)[0];
  if (!prompt->is_string())
    throw RequestError("prompt", fmt::format("'prompt' must be one string, got {}: this server completes one prompt "
                                             "per request, given as text (lists of prompts or of token ids are not "
                                             "taken)",
                                             kind_of(*prompt)));
  request.prompt = prompt->get<std::string>();
  request.sampling = sampling_fields(body, false);
  return request;
}

ChatRequest parse_chat_request(const nlohmann::json& body) {
  ChatRequest request;
  const json* messages = field(body, "messages");
  if (messages == nullptr)
    throw RequestError("messages",
                       "'messages' is missing; send the conversation, for example \"messages\": "
                       "[{\"role\": \"user\", \"content\": \"Hello\"}]");
  if (!messages->is_array() || messages->empty())
    throw RequestError("messages", fmt::format("'messages' must be a non-empty array of {{\"role\", \"content\"}} "
                                               "objects, got {}",
                                               messages->is_array() ? "an empty array" : kind_of(*messages)));
  for (std::size_t i = 0; i < messages->size(); ++i) {
    const json& message = (*messages)[i];
    const std::string where = fmt::format("messages[{}]", i);
    if (!message.is_object())
      throw RequestError(
          where, fmt::format("'{}' must be an object with \"role\" and \"content\", got {}", where, kind_of(message)));
    const json* role = field(message, "role");
    if (role == nullptr || !role->is_string())
      throw RequestError(where + ".role",
                         fmt::format("'{}.role' must be a string such as \"user\", \"assistant\" or \"system\", got {}",
                                     where, role == nullptr ? "nothing" : kind_of(*role)));
    const auto content = message.find("content");
    request.messages.push_back({role->get<std::string>(), content == message.end()
                                                              ? std::string()
                                                              : message_content(*content, where + ".content")});
  }
  request.sampling = sampling_fields(body, true);
  return request;
}

}  // namespace strata::cli::serve
