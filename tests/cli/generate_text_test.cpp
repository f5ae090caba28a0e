// generate_text on the chat test model (make_chat_model: every greedy reply is "Hello", "!",
// then <|im_end|>), through the SDK rather than the CLI: what streams to the callback, where
// stop strings cut, and which tokens the result holds.
#include <strata/chat_template.hpp>
#include <strata/checkpoint.hpp>
#include <strata/generation_config.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>
#include <strata/text_generation.hpp>
#include <strata/tokenizer.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace {

const std::filesystem::path chat_model = STRATA_CHAT_MODEL;

class GenerateText : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    runtime_ = std::make_unique<strata::Runtime>();
    checkpoint_ = std::make_unique<strata::Checkpoint>(strata::Checkpoint::open(chat_model));
    tokenizer_ = std::make_unique<strata::Tokenizer>(strata::Tokenizer::from_file(chat_model / "tokenizer.json"));
  }
  static void TearDownTestSuite() {
    tokenizer_.reset();
    checkpoint_.reset();
    runtime_.reset();
  }

  // Generates the reply to "Hi" with the model's generation config and `stop_strings`; the
  // pieces streamed land in `pieces`. `keep_going` answers each piece.
  strata::TextGenerationResult reply(std::vector<std::string> stop_strings, std::vector<std::string>& pieces,
                                     bool keep_going = true) {
    strata::SessionOptions options;
    options.context_length = 64;
    strata::Session session(*runtime_, *checkpoint_, std::vector<std::string>(checkpoint_->graph().units.size(), "cpu"),
                            options);
    const std::vector<strata::ChatMessage> messages = {{"user", "Hi"}};
    const std::vector<std::int32_t> prompt =
        tokenizer_->encode(strata::ChatTemplate::from_model_dir(chat_model)->apply(messages), false);
    strata::TextGenerateOptions text_options;
    text_options.generation = strata::GenerationConfig::from_model_dir(chat_model)->generate_options();
    text_options.generation.max_new_tokens = 10;
    text_options.stop_strings = std::move(stop_strings);
    text_options.on_text = [&](std::string_view piece) {
      pieces.emplace_back(piece);
      return keep_going;
    };
    return strata::generate_text(session, *tokenizer_, prompt, text_options);
  }

  std::int32_t id(const std::string& token) { return *tokenizer_->token_to_id(token); }

  static std::unique_ptr<strata::Runtime> runtime_;
  static std::unique_ptr<strata::Checkpoint> checkpoint_;
  static std::unique_ptr<strata::Tokenizer> tokenizer_;
};
std::unique_ptr<strata::Runtime> GenerateText::runtime_;
std::unique_ptr<strata::Checkpoint> GenerateText::checkpoint_;
std::unique_ptr<strata::Tokenizer> GenerateText::tokenizer_;

TEST_F(GenerateText, StreamsTheTextAndStopsAtTheEosOfTheGenerationConfig) {
  std::vector<std::string> pieces;
  const strata::TextGenerationResult result = reply({}, pieces);
  EXPECT_EQ(result.text, "Hello!");
  EXPECT_EQ(pieces, (std::vector<std::string>{"Hello", "!"}));  // <|im_end|> is special: not shown
  EXPECT_EQ(result.generation.stop_reason, strata::StopReason::stop_token);
  EXPECT_EQ(result.generation.tokens, (std::vector<std::int32_t>{id("Hello"), id("!"), id("<|im_end|>")}));
}

TEST_F(GenerateText, APossibleStartOfAStopStringIsHeldBackAndNeverShown) {
  std::vector<std::string> pieces;
  // "Hello" ends with "lo", the start of "lo!": held; "!" completes it.
  const strata::TextGenerationResult stopped = reply({"lo!"}, pieces);
  EXPECT_EQ(pieces, std::vector<std::string>{"Hel"});
  EXPECT_EQ(stopped.text, "Hel");
  EXPECT_EQ(stopped.generation.stop_reason, strata::StopReason::stop_string);
  EXPECT_EQ(stopped.generation.tokens.size(), 2u);  // up to the token that completed it

  // "lo" is held again, but "!" does not make "lo?": it comes out with the "!".
  pieces.clear();
  const strata::TextGenerationResult released = reply({"lo?"}, pieces);
  EXPECT_EQ(pieces, (std::vector<std::string>{"Hel", "lo!"}));
  EXPECT_EQ(released.text, "Hello!");
  EXPECT_EQ(released.generation.stop_reason, strata::StopReason::stop_token);
}

TEST_F(GenerateText, TheCallbackStopsGeneration) {
  std::vector<std::string> pieces;
  const strata::TextGenerationResult result = reply({}, pieces, false);
  EXPECT_EQ(pieces, std::vector<std::string>{"Hello"});
  EXPECT_EQ(result.text, "Hello");
  EXPECT_EQ(result.generation.stop_reason, strata::StopReason::callback);
}

}  // namespace
