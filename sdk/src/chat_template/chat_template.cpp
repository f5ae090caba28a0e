// strata::ChatTemplate: the source parsed once; each rendering evaluates the tree with a fresh
// Evaluator over the variables, the built-in functions and the conversation.
#include <strata/chat_template.hpp>
#include <strata/error.hpp>

#include "chat_template/evaluator.hpp"
#include "chat_template/limits.hpp"
#include "chat_template/parser.hpp"
#include "tokenizer/utf8.hpp"

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace strata {

struct ChatTemplate::Parsed {
  std::string source;
  std::map<std::string, std::string> variables;
  chat_template::Body body;
};

namespace {

using chat_template::Value;

void require_utf8(std::string_view text, std::string_view what) {
  if (!tokenization::is_valid_utf8(text))
    throw Error(StatusCode::invalid_argument, fmt::format("chat template: {} is not valid UTF-8", what));
}

chat_template::Evaluator::Scope base_scope(const std::map<std::string, std::string>& variables) {
  chat_template::Evaluator::Scope scope;
  chat_template::add_global_functions(scope);
  for (const auto& [name, value] : variables) scope[name] = Value(value);
  // What transformers passes when the caller gives none.
  scope["tools"] = Value::none();
  scope["documents"] = Value::none();
  scope["add_generation_prompt"] = Value(false);
  return scope;
}

nlohmann::json read_json_file(const std::filesystem::path& file) {
  std::string why;
  const std::optional<std::string> text = safe_io::read_regular_file(file, ChatTemplate::max_config_bytes, why);
  if (!text) throw Error(StatusCode::invalid_argument, fmt::format("{}: {}", file.string(), why));
  std::optional<nlohmann::json> json = safe_io::parse_bounded_json(*text, why);
  if (!json) throw Error(StatusCode::invalid_argument, fmt::format("{}: not valid JSON: {}", file.string(), why));
  if (!json->is_object())
    throw Error(StatusCode::invalid_argument, fmt::format("{}: must hold a JSON object", file.string()));
  return std::move(*json);
}

// bos_token and the like: a string, or an added token's {"content": ...}; null or absent: none.
std::map<std::string, std::string> special_tokens(const nlohmann::json& config, const std::filesystem::path& file) {
  std::map<std::string, std::string> variables;
  for (const char* name : {"bos_token", "eos_token", "unk_token", "pad_token"}) {
    const auto found = config.find(name);
    if (found == config.end() || found->is_null()) continue;
    const nlohmann::json* content = &*found;
    if (found->is_object()) {
      const auto inner = found->find("content");
      if (inner == found->end()) continue;
      content = &*inner;
    }
    if (!content->is_string())
      throw Error(StatusCode::invalid_argument, fmt::format("{}: \"{}\" must be a string", file.string(), name));
    variables[name] = content->get<std::string>();
  }
  return variables;
}

// The template named `name` of a "chat_template" value, or nullopt when it has none by that name.
std::optional<std::string> select_template(const nlohmann::json& value, std::string_view name,
                                           const std::filesystem::path& file) {
  if (value.is_string()) return value.get<std::string>();
  if (!value.is_array())
    throw Error(StatusCode::invalid_argument,
                fmt::format("{}: \"chat_template\" must be a string or a list of named templates", file.string()));
  for (const nlohmann::json& entry : value) {
    if (!entry.is_object() || !entry.contains("name") || !entry.contains("template") || !entry["name"].is_string() ||
        !entry["template"].is_string())
      throw Error(
          StatusCode::invalid_argument,
          fmt::format("{}: each \"chat_template\" entry must be {{\"name\": ..., \"template\": ...}}", file.string()));
    if (entry["name"].get<std::string>() == name) return entry["template"].get<std::string>();
  }
  return std::nullopt;
}

}  // namespace

ChatTemplate::ChatTemplate(std::string_view source, std::map<std::string, std::string> variables) {
  if (source.size() > chat_template::limits::max_source_bytes)
    throw Error(StatusCode::invalid_argument,
                fmt::format("chat template: {} bytes, more than the {} a template may have", source.size(),
                            chat_template::limits::max_source_bytes));
  require_utf8(source, "the template");
  for (const auto& [name, value] : variables) require_utf8(value, name);
  auto parsed = std::make_shared<Parsed>();
  parsed->source = std::string(source);
  parsed->variables = std::move(variables);
  parsed->body = chat_template::parse_template(chat_template::tokenize_template(parsed->source));
  parsed_ = std::move(parsed);
}

ChatTemplate ChatTemplate::from_tokenizer_config(const std::filesystem::path& file, std::string_view name) {
  const nlohmann::json config = read_json_file(file);
  const auto found = config.find("chat_template");
  std::optional<std::string> source;
  if (found != config.end() && !found->is_null()) source = select_template(*found, name, file);
  if (!source)
    throw Error(StatusCode::invalid_argument,
                fmt::format("{}: no chat template{}", file.string(),
                            found != config.end() && found->is_array() ? fmt::format(" named \"{}\"", name) : ""));
  try {
    return ChatTemplate(*source, special_tokens(config, file));
  } catch (const Error& error) {
    throw Error(StatusCode::invalid_argument, fmt::format("{}: {}", file.string(), error.what()));
  }
}

std::optional<ChatTemplate> ChatTemplate::from_model_dir(const std::filesystem::path& dir) {
  std::error_code error;
  auto exists = [&](const std::filesystem::path& file) {
    return std::filesystem::exists(std::filesystem::symlink_status(file, error));
  };
  const std::filesystem::path config_file = dir / "tokenizer_config.json";
  const std::filesystem::path jinja_file = dir / "chat_template.jinja";
  std::optional<nlohmann::json> config;
  if (exists(config_file)) config = read_json_file(config_file);
  const std::map<std::string, std::string> variables =
      config ? special_tokens(*config, config_file) : std::map<std::string, std::string>{};
  if (exists(jinja_file)) {
    std::string why;
    const std::optional<std::string> source =
        safe_io::read_regular_file(jinja_file, chat_template::limits::max_source_bytes, why);
    if (!source) throw Error(StatusCode::invalid_argument, fmt::format("{}: {}", jinja_file.string(), why));
    try {
      return ChatTemplate(*source, variables);
    } catch (const Error& failure) {
      throw Error(StatusCode::invalid_argument, fmt::format("{}: {}", jinja_file.string(), failure.what()));
    }
  }
  if (!config || !config->contains("chat_template") || (*config)["chat_template"].is_null()) return std::nullopt;
  return from_tokenizer_config(config_file);
}

std::string ChatTemplate::apply(std::span<const ChatMessage> messages, bool add_generation_prompt) const {
  chat_template::List list;
  for (const ChatMessage& message : messages) {
    require_utf8(message.role, "a message's role");
    require_utf8(message.content, "a message's content");
    chat_template::Dict dict;
    dict.set("role", Value(message.role));
    dict.set("content", Value(message.content));
    list.emplace_back(std::move(dict));
  }
  chat_template::Evaluator::Scope scope = base_scope(parsed_->variables);
  scope["messages"] = Value(std::move(list));
  scope["add_generation_prompt"] = Value(add_generation_prompt);
  chat_template::Evaluator evaluator(std::move(scope));
  return evaluator.render(parsed_->body);
}

std::string ChatTemplate::render_json(std::string_view context_json) const {
  std::string why;
  // Checked by the bounded parser first (depth, size, duplicate keys); read again in order.
  if (!safe_io::parse_bounded_json(context_json, why))
    throw Error(StatusCode::invalid_argument, fmt::format("chat template context: not valid JSON: {}", why));
  const nlohmann::ordered_json context = nlohmann::ordered_json::parse(context_json);
  if (!context.is_object()) throw Error(StatusCode::invalid_argument, "chat template context: must be a JSON object");
  chat_template::Evaluator::Scope scope = base_scope(parsed_->variables);
  for (const auto& [name, value] : context.items()) scope[name] = chat_template::from_json(value);
  chat_template::Evaluator evaluator(std::move(scope));
  return evaluator.render(parsed_->body);
}

const std::string& ChatTemplate::source() const { return parsed_->source; }

const std::map<std::string, std::string>& ChatTemplate::variables() const { return parsed_->variables; }

}  // namespace strata
