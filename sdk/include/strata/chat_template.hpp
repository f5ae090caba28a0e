// Chat templates: the Jinja template of a checkpoint's tokenizer_config.json (or
// chat_template.jinja) that turns a conversation into the exact text the model was trained on,
// rendered as transformers' apply_chat_template renders it. Strata evaluates the subset of Jinja
// that chat templates use, in a sandbox: a template can neither reach files nor run code, and a
// hostile one fails with an error instead of crashing, hanging or exhausting memory.
#pragma once

#include <strata/export.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace strata {

struct STRATA_API ChatMessage {
  std::string role;  // "system", "user", "assistant", ...
  std::string content;
};

// Immutable once built; render from several threads at once if you like.
class STRATA_API ChatTemplate {
 public:
  // tokenizer_config.json files hold the added tokens too; the largest published are a few MB.
  static constexpr std::uint64_t max_config_bytes = 16ull << 20;

  // Parses `source`. `variables` are strings every rendering sees, such as bos_token and
  // eos_token. Throws Error(invalid_argument) "chat template: line N: ..." for a syntax error.
  explicit ChatTemplate(std::string_view source, std::map<std::string, std::string> variables = {});

  // The "chat_template" of a tokenizer_config.json: a string, or a list of {"name", "template"}
  // from which `name` is taken; its bos_token, eos_token, unk_token and pad_token become
  // variables. Throws Error(invalid_argument) naming the file when it has no such template.
  static ChatTemplate from_tokenizer_config(const std::filesystem::path& file, std::string_view name = "default");
  // A model folder's template: chat_template.jinja when there is one (transformers writes it
  // there since 4.43), else tokenizer_config.json's; nullopt when it has neither.
  static std::optional<ChatTemplate> from_model_dir(const std::filesystem::path& dir);

  // apply_chat_template(messages, add_generation_prompt=...): `messages` as dicts of role and
  // content. Throws Error(invalid_argument) for what the template refuses (raise_exception) or
  // cannot do, with the line.
  std::string apply(std::span<const ChatMessage> messages, bool add_generation_prompt = true) const;
  // The same with the whole context as a JSON object: {"messages": [...], "add_generation_prompt":
  // true, "tools": [...], "enable_thinking": false, ...}; messages may carry any fields
  // (tool_calls, reasoning_content). Keys keep their order, as tojson shows it.
  std::string render_json(std::string_view context_json) const;

  const std::string& source() const;
  const std::map<std::string, std::string>& variables() const;

 private:
  struct Parsed;
  std::shared_ptr<const Parsed> parsed_;
};

}  // namespace strata
