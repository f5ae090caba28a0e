// Where a model folder keeps its template (tokenizer_config.json, as a string or a list of named
// templates, or chat_template.jinja), and the variables that come with it.
#include <strata/chat_template.hpp>
#include <strata/error.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace strata {
namespace {

using ::testing::HasSubstr;

class ModelFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("chat_template_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }

  std::filesystem::path dir_;
};

TEST_F(ModelFiles, TheDefaultOfNamedTemplatesAndAddedTokenVariables) {
  write("tokenizer_config.json", R"({
    "bos_token": {"__type": "AddedToken", "content": "<s>"}, "eos_token": "</s>", "pad_token": null,
    "chat_template": [{"name": "tool_use", "template": "tools"},
                      {"name": "default", "template": "{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}{{ eos_token }}"}]})");
  const std::optional<ChatTemplate> chat = ChatTemplate::from_model_dir(dir_);
  ASSERT_TRUE(chat);
  const std::vector<ChatMessage> messages = {{"user", "a"}, {"assistant", "b"}};
  EXPECT_EQ(chat->apply(messages), "<s>ab</s>");
  EXPECT_FALSE(chat->variables().contains("pad_token"));
  EXPECT_EQ(ChatTemplate::from_tokenizer_config(dir_ / "tokenizer_config.json", "tool_use").apply(messages), "tools");
  EXPECT_THAT(
      [&] {
        try {
          ChatTemplate::from_tokenizer_config(dir_ / "tokenizer_config.json", "rag");
        } catch (const Error& error) {
          return std::string(error.what());
        }
        return std::string();
      }(),
      HasSubstr("no chat template named \"rag\""));
}

TEST_F(ModelFiles, ChatTemplateJinjaWinsOverTheConfig) {
  write("tokenizer_config.json", R"({"eos_token": "<e>", "chat_template": "config"})");
  write("chat_template.jinja", "file{{ eos_token }}{% if add_generation_prompt %}>{% endif %}\n");
  const std::optional<ChatTemplate> chat = ChatTemplate::from_model_dir(dir_);
  ASSERT_TRUE(chat);
  EXPECT_EQ(chat->apply({}, true), "file<e>>");
  EXPECT_EQ(chat->apply({}, false), "file<e>");
}

TEST_F(ModelFiles, AFolderWithoutATemplateHasNone) {
  EXPECT_FALSE(ChatTemplate::from_model_dir(dir_));
  write("tokenizer_config.json", R"({"eos_token": "</s>"})");
  EXPECT_FALSE(ChatTemplate::from_model_dir(dir_));
}

TEST_F(ModelFiles, BrokenFilesAreNamedInTheError) {
  write("tokenizer_config.json", R"({"chat_template": "{% if %}"})");
  try {
    ChatTemplate::from_model_dir(dir_);
    ADD_FAILURE() << "a broken template was accepted";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), HasSubstr("tokenizer_config.json: chat template: line 1"));
  }
  write("tokenizer_config.json", R"({"chat_template": 5})");
  EXPECT_THROW(ChatTemplate::from_model_dir(dir_), Error);
  write("tokenizer_config.json", R"({"chat_template": "x", "eos_token": 3})");
  EXPECT_THROW(ChatTemplate::from_model_dir(dir_), Error);
  std::filesystem::remove(dir_ / "tokenizer_config.json");
  std::filesystem::create_directory(dir_ / "tokenizer_config.json");
  EXPECT_THROW(ChatTemplate::from_model_dir(dir_), Error);
}

TEST(ChatMessages, InvalidUtf8InAMessageIsRefused) {
  const ChatTemplate chat("{% for m in messages %}{{ m.content }}{% endfor %}");
  const std::vector<ChatMessage> messages = {{"user", "bad \xc3"}};
  EXPECT_THROW(chat.apply(messages), Error);
}

}  // namespace
}  // namespace strata
