// A tokenizer.json and a text may come from anyone: whatever they hold, building and encoding
// end with ids or an Error, never a crash or a hang, and sizes stay bounded.
#include "reference_tokenizers.hpp"
#include "tokenizer_json_builder.hpp"

#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <strata_test/error_message.hpp>
#include <strata_test/temp_dir.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

namespace strata {
namespace {

using strata_test::error_of;

using nlohmann::json;
using strata_test::bpe_model;
using strata_test::make_tokenizer;
using strata_test::tokenizer_json;

TEST(UntrustedTokenizerJson, BrokenJsonIsAnError) {
  EXPECT_THAT(error_of([] { Tokenizer::from_json("{\"model\": "); }), ::testing::HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of([] { Tokenizer::from_json("[]"); }), ::testing::HasSubstr("is not an object"));
  // A number too large for a double is nlohmann's out_of_range, not its parse_error (found by
  // tests/fuzz/tokenizer).
  EXPECT_THAT(error_of([] { Tokenizer::from_json("11e30880"); }), ::testing::HasSubstr("not valid JSON"));
  EXPECT_THAT(error_of([] { Tokenizer::from_json("{}"); }), ::testing::HasSubstr("\"model\" is missing"));
  // A key given twice: an error, never the last one silently.
  EXPECT_THAT(error_of([] { Tokenizer::from_json(R"({"model": {}, "model": {}})"); }),
              ::testing::HasSubstr("the key 'model' is given twice"));
  EXPECT_THAT(error_of([] { Tokenizer::from_json("{\"model\": {\"type\": \"BPE\", \"vocab\": [], \"merges\": []}}"); }),
              ::testing::HasSubstr("model.vocab"));
}

TEST(UntrustedTokenizerJson, DeepNestingIsRefusedNotRecursedInto) {
  // Components nested past the tokenizer's own limit (16), in JSON shallow enough to be read.
  json normalizer = {{"type", "Lowercase"}};
  for (int i = 0; i < 20; ++i) normalizer = {{"type", "Sequence"}, {"normalizers", {normalizer}}};
  EXPECT_THAT(error_of([&] {
                make_tokenizer(tokenizer_json(bpe_model({"a"}, {}), {{"normalizer", normalizer}}));
              }),
              ::testing::HasSubstr("nested too deeply"));
  // Deeper still, the strict JSON reader refuses the file before any component is built.
  for (int i = 0; i < 80; ++i) normalizer = {{"type", "Sequence"}, {"normalizers", {normalizer}}};
  EXPECT_THAT(error_of([&] {
                make_tokenizer(tokenizer_json(bpe_model({"a"}, {}), {{"normalizer", normalizer}}));
              }),
              ::testing::HasSubstr("nest more than 64 levels deep"));
  // Deeply nested JSON itself is parsed without recursion and then refused.
  const std::string deep = "{\"model\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
  EXPECT_THAT(error_of([&] { Tokenizer::from_json(deep); }), ::testing::HasSubstr("model"));
}

TEST(UntrustedTokenizerJson, IdsFarBeyondAnyVocabularyAreRefused) {
  json model = bpe_model({"a"}, {});
  model["vocab"]["b"] = 2147483647;
  EXPECT_THAT(error_of([&] { make_tokenizer(tokenizer_json(model)); }), ::testing::HasSubstr("in 0.."));
  model["vocab"]["b"] = -1;
  EXPECT_THAT(error_of([&] { make_tokenizer(tokenizer_json(model)); }), ::testing::HasSubstr("in 0.."));
}

TEST(UntrustedTokenizerJson, AnAddedTokenLongerThanTheLimitIsRefused) {
  const json document = tokenizer_json(bpe_model({"a"}, {}),
                                       {{"added_tokens", {strata_test::added_token(1, std::string(5000, 'x'), true)}}});
  EXPECT_THAT(error_of([&] { make_tokenizer(document); }), ::testing::HasSubstr("longer than"));
}

TEST(UntrustedTokenizerJson, AnInvalidRegexIsAnErrorNamingIt) {
  const json split = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}};
  EXPECT_THAT(error_of([&] {
                make_tokenizer(tokenizer_json(bpe_model({"a"}, {}), {{"pre_tokenizer", split}}));
              }),
              ::testing::HasSubstr("(unclosed"));
}

// A pattern built to backtrack exponentially stops at PCRE2's match limit with an Error.
TEST(UntrustedTokenizerJson, ABacktrackingRegexEndsWithAnErrorNotAHang) {
  const json split = {{"type", "Split"}, {"pattern", {{"Regex", "^(\\w+\\s?)*$"}}}, {"behavior", "Isolated"}};
  const Tokenizer tokenizer = make_tokenizer(tokenizer_json(bpe_model({"a"}, {}), {{"pre_tokenizer", split}}));
  std::string text;
  for (int i = 0; i < 64; ++i) text += "aaaa ";
  text += "!";
  EXPECT_THAT(error_of([&] { tokenizer.encode(text, false); }), ::testing::HasSubstr("regular expression"));
}

TEST(UntrustedTokenizerFile, OnlyRegularFilesWithinTheLimitAreRead) {
  strata_test::TempDir folder;
  EXPECT_THAT(error_of([&] { Tokenizer::from_file(folder.path() / "missing.json"); }),
              ::testing::HasSubstr("missing.json"));
  EXPECT_THAT(error_of([&] { Tokenizer::from_file(folder.path()); }), ::testing::HasSubstr("not a regular file"));
  const std::filesystem::path fifo = folder.path() / "fifo.json";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THAT(error_of([&] { Tokenizer::from_file(fifo); }), ::testing::HasSubstr("not a regular file"));
  const std::filesystem::path huge = folder.path() / "huge.json";
  std::ofstream(huge).put('{');
  std::filesystem::resize_file(huge, Tokenizer::max_json_bytes + 1);  // sparse: costs no disk
  EXPECT_THAT(error_of([&] { Tokenizer::from_file(huge); }), ::testing::HasSubstr("more than"));
  const std::filesystem::path broken = folder.path() / "broken.json";
  std::ofstream(broken) << "{\"model\": 1}";
  EXPECT_THAT(error_of([&] { Tokenizer::from_file(broken); }), ::testing::HasSubstr("broken.json"));
}

// Inputs that make naive tokenizers quadratic: long runs of one character, one long word, many
// near-misses of added tokens. They must come back whole (and ctest's timeout catches a hang).
class LongTexts : public ::testing::TestWithParam<std::string> {};

TEST_P(LongTexts, ComeBackWhole) {
  const Tokenizer& tokenizer = strata_test::reference_tokenizer(GetParam());
  std::string near_misses;
  while (near_misses.size() < 200000) near_misses += "<|reserved_special_token_<|im_start<s";
  std::string emoji;
  while (emoji.size() < 200000) emoji += "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9";
  const std::vector<std::string> texts = {std::string(1 << 20, ' '),
                                          std::string(1 << 20, 'a'),
                                          std::string(1 << 18, '\n'),
                                          std::string(200000, '7'),
                                          near_misses,
                                          emoji};
  for (const std::string& text : texts) {
    const std::vector<std::int32_t> ids = tokenizer.encode(text, false);
    EXPECT_FALSE(ids.empty());
    EXPECT_TRUE(tokenizer.decode(ids) == text)
        << "a text of " << text.size() << " bytes starting " << text.substr(0, 16);
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, LongTexts, ::testing::ValuesIn(strata_test::reference_tokenizers),
                         [](const auto& test_info) { return test_info.param; });

}  // namespace
}  // namespace strata
