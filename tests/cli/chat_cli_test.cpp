// `strata chat` and `strata run` on a checkpoint with a real tokenizer and chat template
// (make_chat_model: Qwen3's, with weights whose greedy reply is "Hello!" then <|im_end|>),
// driven as a user drives them: conversations piped to stdin, replies read from stdout, reports
// from stderr. The prompt sizes the CLI reports are checked against the template and tokenizer
// run here, so the history each turn sends is checked token for token.
#include <strata/chat_template.hpp>
#include <strata/tokenizer.hpp>

#include <strata_test/shell.hpp>
#include <strata_test/temp_dir.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::filesystem::path chat_model = STRATA_CHAT_MODEL;

struct Outcome {
  int status = 0;
  std::string out;
  std::string err;
};

class ChatCommand : public ::testing::Test {
 protected:
  // `input` is piped to stdin.
  Outcome run(const std::string& arguments, const std::string& input = "") {
    const std::filesystem::path in_file = scratch_.path() / "stdin.txt";
    const std::filesystem::path err_file = scratch_.path() / "stderr.txt";
    std::ofstream(in_file, std::ios::binary) << input;
    const std::string command = "STRATA_CACHE_DIR='" + std::string(STRATA_CHAT_CLI_CACHE) + "' STRATA_PLUGIN_PATH='' " +
                                std::string(STRATA_CLI) + " " + arguments + " <'" + in_file.string() + "' 2>'" +
                                err_file.string() + "'";
    const strata_test::ShellOutcome shell = strata_test::run_shell(command);
    std::ifstream stream(err_file);
    std::stringstream text;
    text << stream.rdbuf();
    return {shell.status, shell.out, text.str()};
  }

  // The prompt size `strata chat` must report for `messages`: the template, then the tokenizer
  // (read once: Qwen3's tokenizer.json is 11 MB).
  static std::size_t prompt_tokens(const std::vector<strata::ChatMessage>& messages) {
    static const strata::ChatTemplate chat = *strata::ChatTemplate::from_model_dir(chat_model);
    static const strata::Tokenizer tokenizer = strata::Tokenizer::from_file(chat_model / "tokenizer.json");
    return tokenizer.encode(chat.apply(messages, true), false).size();
  }

  strata_test::TempDir scratch_;
};

TEST_F(ChatCommand, EachTurnStreamsAReplyThatEndsAtEosAndJoinsTheHistory) {
  const Outcome outcome = run("chat --device-map cpu --model " + chat_model.string(), "Hi there\n\nHow are you?\n");
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "Hello!\nHello!\n");
  const std::size_t first = prompt_tokens({{"user", "Hi there"}});
  const std::size_t second = prompt_tokens({{"user", "Hi there"}, {"assistant", "Hello!"}, {"user", "How are you?"}});
  // "Hello", "!" and <|im_end|>: three new tokens, the last an EOS from generation_config.json.
  EXPECT_NE(outcome.err.find("[" + std::to_string(first) + " prompt tokens, 3 new, stop: stop_token]"),
            std::string::npos)
      << outcome.err;
  EXPECT_NE(outcome.err.find("[" + std::to_string(second) + " prompt tokens, 3 new, stop: stop_token]"),
            std::string::npos)
      << outcome.err;
}

TEST_F(ChatCommand, ASystemMessageStartsTheConversationAndExitEndsIt) {
  const Outcome outcome =
      run("chat --quiet --device-map cpu --system 'Be brief.' --model " + chat_model.string(), "Hi\n/exit\nunread\n");
  ASSERT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "Hello!\n");
  EXPECT_EQ(outcome.err, "");  // --quiet: no reports
  const Outcome loud = run("chat --device-map cpu --system 'Be brief.' --model " + chat_model.string(), "Hi\n");
  const std::size_t expected = prompt_tokens({{"system", "Be brief."}, {"user", "Hi"}});
  EXPECT_NE(loud.err.find("[" + std::to_string(expected) + " prompt tokens"), std::string::npos) << loud.err;
}

TEST_F(ChatCommand, StopStringsAndTokenLimitsFromTheCommandLine) {
  const Outcome stopped = run("chat --device-map cpu --stop lo --model " + chat_model.string(), "Hi\n");
  ASSERT_EQ(stopped.status, 0) << stopped.err;
  EXPECT_EQ(stopped.out, "Hel\n");
  EXPECT_NE(stopped.err.find("stop: stop_string"), std::string::npos) << stopped.err;
  const Outcome short_reply = run("chat --device-map cpu --max-new-tokens 1 --model " + chat_model.string(), "Hi\n");
  EXPECT_EQ(short_reply.out, "Hello\n");
  EXPECT_NE(short_reply.err.find("stop: max_new_tokens"), std::string::npos) << short_reply.err;
}

TEST_F(ChatCommand, AFolderWithoutTokenizerOrTemplateIsRefusedClearly) {
  const Outcome no_tokenizer = run("chat --device-map cpu --model " + std::string(STRATA_DEMO_MODEL_DIR), "Hi\n");
  EXPECT_NE(no_tokenizer.status, 0);
  EXPECT_NE(no_tokenizer.err.find("has no tokenizer.json"), std::string::npos) << no_tokenizer.err;

  const std::filesystem::path plain = scratch_.path() / "no_template";
  std::filesystem::create_directories(plain);
  for (const char* file : {"config.json", "model.safetensors", "tokenizer.json"})
    std::filesystem::copy_file(chat_model / file, plain / file);
  std::ofstream(plain / "tokenizer_config.json") << R"({"eos_token": "<|im_end|>"})";
  const Outcome no_template = run("chat --device-map cpu --model " + plain.string(), "Hi\n");
  EXPECT_NE(no_template.status, 0);
  EXPECT_NE(no_template.err.find("has no chat template"), std::string::npos) << no_template.err;
}

TEST_F(ChatCommand, RunTokenizesThePromptAndDecodesTheText) {
  const Outcome text = run("run --device-map cpu --prompt Hi --model " + chat_model.string());
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_EQ(text.out, "HiHello!\n");  // the prompt, then the reply up to EOS (not printed)

  const Outcome json = run("run --json --device-map cpu --prompt Hi --stop '!' --model " + chat_model.string());
  ASSERT_EQ(json.status, 0) << json.err;
  const nlohmann::json result = nlohmann::json::parse(json.out);
  const strata::Tokenizer tokenizer = strata::Tokenizer::from_file(chat_model / "tokenizer.json");
  EXPECT_EQ(result["prompt_ids"].get<std::vector<std::int32_t>>(), tokenizer.encode("Hi", true));
  EXPECT_EQ(result["generated_text"], "Hello");
  EXPECT_EQ(result["stop_reason"], "stop_string");
  EXPECT_EQ(result["generated_ids"].size(), 2u);  // "Hello" and the "!" that completed the stop string
}

}  // namespace
