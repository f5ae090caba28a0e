// `strata tokenize` end to end: the ids it prints for corpus entries are Hugging Face's (from the
// committed reference), with --model and --tokenizer, plain and --json, with and without special
// tokens; --decode prints Hugging Face's text; a SentencePiece tokenizer.model gives
// SentencePiece's ids; and wrong use fails with a message.
#include "tokenizer_test_data.hpp"

#include <strata_test/shell.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace {

// One shell word holding `text` exactly (newlines, quotes and all).
std::string quoted(const std::string& text) {
  std::string word = "'";
  for (char c : text) word += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return word + "'";
}

std::string tokenize(const std::string& arguments) {
  return strata_test::run_shell(std::string(STRATA_CLI) + " tokenize " + arguments + " 2>/dev/null").out;
}

std::string comma_separated(const std::vector<std::int32_t>& ids) {
  std::string text;
  for (std::int32_t id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text;
}

// Entries from all parts of the corpus: prose, contractions, whitespace, code, scripts, emoji,
// special tokens written in the text (a text cannot hold NUL, so that entry is left out). The
// reference test checks every entry; here the point is the command line, so the large
// tokenizers, slow to load in sanitizer builds, get one entry with special tokens in it.
std::vector<std::size_t> sampled_entries(const std::string& tokenizer) {
  if (tokenizer != "llama2") return {59};
  return {1, 19, 27, 41, 50, 59, 60};
}

class TokenizeCommand : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizeCommand, PrintsHuggingFacesIds) {
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  const strata_test::Reference reference = strata_test::tokenizer_reference(GetParam());
  const std::string file = strata_test::tokenizer_json_path(GetParam()).string();
  const std::string folder = strata_test::tokenizer_json_path(GetParam()).parent_path().string();
  for (std::size_t entry : sampled_entries(GetParam())) {
    const std::string text = quoted(corpus.at(entry));
    EXPECT_EQ(tokenize("--tokenizer " + file + " -- " + text), comma_separated(reference.lines[entry].ids) + "\n")
        << "entry " << entry;
    EXPECT_EQ(tokenize("--model " + folder + " --json --add-special-tokens -- " + text),
              nlohmann::json(reference.lines[entry].ids_with_special_tokens).dump() + "\n")
        << "entry " << entry;
  }
}

TEST_P(TokenizeCommand, DecodePrintsHuggingFacesText) {
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  const strata_test::Reference reference = strata_test::tokenizer_reference(GetParam());
  const std::string file = strata_test::tokenizer_json_path(GetParam()).string();
  for (std::size_t entry : sampled_entries(GetParam())) {
    const strata_test::ReferenceLine& line = reference.lines[entry];
    if (line.ids_with_special_tokens.empty()) continue;
    const std::string ids = comma_separated(line.ids_with_special_tokens);
    EXPECT_EQ(tokenize("--tokenizer " + file + " --decode " + ids), line.decoded + "\n") << "entry " << entry;
    EXPECT_EQ(tokenize("--tokenizer " + file + " --json --skip-special-tokens --decode " + ids),
              nlohmann::json(line.decoded_skipping_special_tokens).dump() + "\n")
        << "entry " << entry;
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, TokenizeCommand, ::testing::ValuesIn(strata_test::reference_tokenizers),
                         [](const auto& test_info) { return test_info.param; });

// A SentencePiece tokenizer.model, given as the file (named *.model) or as the folder holding it
// without a tokenizer.json: the ids Google's SentencePiece gave (and transformers' for the entry
// with special tokens written in it).
TEST(TokenizeCommandSentencePiece, PrintsSentencePiecesIds) {
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  const strata_test::SentencePieceReference reference = strata_test::sentencepiece_reference();
  const std::string file = strata_test::sentencepiece_model_path().string();
  const std::string folder = strata_test::sentencepiece_model_path().parent_path().string();
  for (std::size_t entry : {1, 19, 41, 50, 57}) {
    const std::string text = quoted(corpus.at(entry));
    std::vector<std::int32_t> with_bos = reference.lines[entry].ids;
    with_bos.insert(with_bos.begin(), 1);
    EXPECT_EQ(tokenize("--tokenizer " + file + " -- " + text), comma_separated(reference.lines[entry].ids) + "\n")
        << "entry " << entry;
    EXPECT_EQ(tokenize("--model " + folder + " --json --add-special-tokens -- " + text),
              nlohmann::json(with_bos).dump() + "\n")
        << "entry " << entry;
  }
  EXPECT_EQ(tokenize("--tokenizer " + file + " --decode 1,15043,2"), "<s> Hello</s>\n");
  EXPECT_EQ(tokenize("--tokenizer " + file + " --skip-special-tokens --decode 1,15043,2"), "Hello\n");
}

TEST(TokenizeCommandUse, WrongUseFailsWithAMessage) {
  const std::string file = strata_test::tokenizer_json_path("llama2").string();
  const std::string cli = std::string(STRATA_CLI) + " tokenize ";
  const strata_test::ShellOutcome no_tokenizer = strata_test::run_shell(cli + "hello 2>&1");
  EXPECT_NE(no_tokenizer.status, 0);
  EXPECT_NE(no_tokenizer.out.find("--model or --tokenizer"), std::string::npos) << no_tokenizer.out;
  const strata_test::ShellOutcome both = strata_test::run_shell(cli + "--model x --tokenizer " + file + " hi 2>&1");
  EXPECT_NE(both.status, 0);
  const strata_test::ShellOutcome bad_id = strata_test::run_shell(cli + "--tokenizer " + file + " --decode 1,x 2>&1");
  EXPECT_NE(bad_id.status, 0);
  EXPECT_NE(bad_id.out.find("\"x\" is not a token id"), std::string::npos) << bad_id.out;
  const strata_test::ShellOutcome unknown_id =
      strata_test::run_shell(cli + "--tokenizer " + file + " --decode 99999999 2>&1");
  EXPECT_NE(unknown_id.status, 0);
  EXPECT_NE(unknown_id.out.find("no token has the id 99999999"), std::string::npos) << unknown_id.out;
  const strata_test::ShellOutcome missing = strata_test::run_shell(cli + "--model /nonexistent hi 2>&1");
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.out.find("/nonexistent/tokenizer.json"), std::string::npos) << missing.out;
}

}  // namespace
