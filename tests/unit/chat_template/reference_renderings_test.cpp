// Every conversation of tests/data/tokenizers/chat_conversations.json through every real chat
// template there, with and without add_generation_prompt: the text must be what Hugging Face's
// Jinja rendered, byte for byte, and a template that refused a conversation must refuse it here.
#include <strata/chat_template.hpp>
#include <strata/error.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace strata {
namespace {

const std::filesystem::path data_dir = STRATA_TOKENIZER_REFERENCE;

nlohmann::ordered_json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::ordered_json::parse(text.str());
}

TEST(ChatTemplateReference, RendersWhatHuggingFacesJinjaRendered) {
  const nlohmann::ordered_json reference = read_json(data_dir / "reference" / "chat_templates.json");
  std::map<std::string, nlohmann::ordered_json> contexts;
  for (const auto& conversation : read_json(data_dir / "chat_conversations.json"))
    contexts[conversation["name"].get<std::string>()] = conversation["context"];
  std::map<std::string, ChatTemplate> templates;
  std::size_t rendered = 0, refused = 0;
  for (const auto& entry : reference["renderings"]) {
    const std::string name = entry["template"].get<std::string>();
    if (!templates.contains(name))
      templates.emplace(name, ChatTemplate::from_tokenizer_config(data_dir / name / "tokenizer_config.json"));
    nlohmann::ordered_json context = contexts.at(entry["conversation"].get<std::string>());
    context["add_generation_prompt"] = entry["add_generation_prompt"];
    const std::string label = name + " / " + entry["conversation"].get<std::string>() +
                              (entry["add_generation_prompt"].get<bool>() ? " / generation prompt" : "");
    if (entry.contains("text")) {
      std::string text;
      ASSERT_NO_THROW(text = templates.at(name).render_json(context.dump())) << label;
      EXPECT_EQ(text, entry["text"].get<std::string>()) << label;
      ++rendered;
    } else {
      EXPECT_THROW(templates.at(name).render_json(context.dump()), Error) << label;
      ++refused;
    }
  }
  // The reference covers three templates, eight conversations, both prompt settings.
  EXPECT_EQ(templates.size(), 3u);
  EXPECT_EQ(rendered + refused, 44u);
}

TEST(ChatTemplateReference, ApplyMatchesTheReferenceForPlainMessages) {
  const ChatTemplate qwen3 = ChatTemplate::from_tokenizer_config(data_dir / "qwen3" / "tokenizer_config.json");
  const std::vector<ChatMessage> messages = {{"system", "You are a helpful assistant."},
                                             {"user", "What is the capital of France?"}};
  const nlohmann::ordered_json reference = read_json(data_dir / "reference" / "chat_templates.json");
  for (const auto& entry : reference["renderings"]) {
    if (entry["template"] != "qwen3" || entry["conversation"] != "system and user") continue;
    EXPECT_EQ(qwen3.apply(messages, entry["add_generation_prompt"].get<bool>()), entry["text"].get<std::string>());
  }
  EXPECT_EQ(qwen3.variables().at("eos_token"), "<|im_end|>");
  EXPECT_FALSE(qwen3.variables().contains("bos_token"));  // null in Qwen3's config
}

// The step budget that ends hostile templates (limits.hpp) leaves real ones room: a conversation
// of 10,000 messages renders whole with each real template.
TEST(ChatTemplateReference, LongConversationsStayWithinTheBudgets) {
  std::vector<ChatMessage> messages = {{"system", "You are a helpful assistant."}};
  for (int turn = 0; turn < 5000; ++turn) {
    messages.push_back({"user", "What is the capital of France?"});
    messages.push_back({"assistant", "Paris."});
  }
  for (const char* name : {"qwen3", "llama3", "deepseek_v3"}) {
    SCOPED_TRACE(name);
    const ChatTemplate chat = ChatTemplate::from_tokenizer_config(data_dir / name / "tokenizer_config.json");
    const std::string text = chat.apply(messages, true);
    std::size_t questions = 0;
    for (std::size_t at = text.find("capital of France"); at != std::string::npos;
         at = text.find("capital of France", at + 1))
      ++questions;
    EXPECT_EQ(questions, 5000u);
  }
}

}  // namespace
}  // namespace strata
