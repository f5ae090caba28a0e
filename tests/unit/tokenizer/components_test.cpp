// Each component of tokenizer.json on a tiny vocabulary whose ids show what it did: the BPE
// merge order, both merge formats, ignore_merges, byte fallback and unk, the added-token rules,
// normalizers, pre-tokenizers, post-processors, decoders, and unknown types refused by name.
#include "tokenizer_json_builder.hpp"

#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace strata {
namespace {

using Ids = std::vector<std::int32_t>;
using nlohmann::json;
using strata_test::added_token;
using strata_test::bpe_model;
using strata_test::make_tokenizer;
using strata_test::tokenizer_json;

// The message of the Error that building `document` throws, or "" if it builds.
std::string build_error(const json& document) {
  try {
    make_tokenizer(document);
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::invalid_argument);
    return error.what();
  }
  return "";
}

TEST(TokenizerBpe, TheMergeListedFirstIsAppliedFirst) {
  const std::vector<std::string> tokens = {"a", "b", "c", "ab", "bc"};
  EXPECT_EQ(make_tokenizer(tokenizer_json(bpe_model(tokens, {"b c", "a b"}))).encode("abc", false), (Ids{0, 4}));
  EXPECT_EQ(make_tokenizer(tokenizer_json(bpe_model(tokens, {"a b", "b c"}))).encode("abc", false), (Ids{3, 2}));
}

TEST(TokenizerBpe, AmongEqualPairsTheLeftmostMergesFirst) {
  EXPECT_EQ(make_tokenizer(tokenizer_json(bpe_model({"a", "aa"}, {"a a"}))).encode("aaa", false), (Ids{1, 0}));
}

TEST(TokenizerBpe, MergesAsPairsAndAsStringsAreTheSame) {
  json pairs = bpe_model({"a", "b", "c", "ab", "abc"}, {});
  pairs["merges"] = json::array({json::array({"a", "b"}), json::array({"ab", "c"})});
  const json strings = bpe_model({"a", "b", "c", "ab", "abc"}, {"a b", "ab c"});
  EXPECT_EQ(make_tokenizer(tokenizer_json(pairs)).encode("abcab", false), (Ids{4, 3}));
  EXPECT_EQ(make_tokenizer(tokenizer_json(strings)).encode("abcab", false), (Ids{4, 3}));
}

TEST(TokenizerBpe, IgnoreMergesTakesAWordOfTheVocabularyWhole) {
  json model = bpe_model({"a", "b", "c", "ab", "abc"}, {"a b"});
  EXPECT_EQ(make_tokenizer(tokenizer_json(model)).encode("abc", false), (Ids{3, 2}));
  model["ignore_merges"] = true;
  EXPECT_EQ(make_tokenizer(tokenizer_json(model)).encode("abc", false), (Ids{4}));
}

TEST(TokenizerBpe, AMergeOfTokensOutsideTheVocabularyIsRefusedNamingThem) {
  EXPECT_THAT(build_error(tokenizer_json(bpe_model({"a", "b"}, {"a b"}))), ::testing::HasSubstr("(ab)"));
  EXPECT_THAT(build_error(tokenizer_json(bpe_model({"a", "b"}, {"a b c"}))), ::testing::HasSubstr("model.merges[0]"));
}

json byte_fallback_model() {
  std::vector<std::string> tokens = {"<unk>", "a"};
  for (int byte = 0; byte < 256; ++byte) tokens.push_back(fmt::format("<0x{:02X}>", byte));
  json model = bpe_model(tokens, {});
  model["unk_token"] = "<unk>";
  return model;
}

std::int32_t byte_id(int byte) { return 2 + byte; }

TEST(TokenizerBpe, ByteFallbackSpellsAnUnknownCharacterInByteTokens) {
  json model = byte_fallback_model();
  model["byte_fallback"] = true;
  EXPECT_EQ(make_tokenizer(tokenizer_json(model)).encode("a\xC3\xA9", false), (Ids{1, byte_id(0xC3), byte_id(0xA9)}));
}

TEST(TokenizerBpe, WithoutByteFallbackUnknownCharactersAreUnkFusedOrNot) {
  json model = byte_fallback_model();
  EXPECT_EQ(make_tokenizer(tokenizer_json(model))
                .encode("\xC3\xA9\xC3\xA9"
                        "a",
                        false),
            (Ids{0, 0, 1}));
  model["fuse_unk"] = true;
  EXPECT_EQ(make_tokenizer(tokenizer_json(model))
                .encode("\xC3\xA9\xC3\xA9"
                        "a",
                        false),
            (Ids{0, 1}));
}

TEST(TokenizerBpe, ByteFallbackDecoderJoinsBytesAndReplacesInvalidOnesOneByOne) {
  json model = byte_fallback_model();
  model["byte_fallback"] = true;
  const Tokenizer tokenizer = make_tokenizer(tokenizer_json(model, {{"decoder", {{"type", "ByteFallback"}}}}));
  EXPECT_EQ(tokenizer.decode(Ids{1, byte_id(0xC3), byte_id(0xA9)}), "a\xC3\xA9");
  EXPECT_EQ(tokenizer.decode(Ids{byte_id(0xC3), byte_id(0xC3)}), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(TokenizerBpe, ModelTypesOtherThanBpeAreRefusedByName) {
  json model = bpe_model({"a"}, {});
  model["type"] = "Unigram";
  EXPECT_THAT(build_error(tokenizer_json(model)), ::testing::HasSubstr("\"Unigram\" is not supported"));
  model["type"] = "BPE";
  model["dropout"] = 0.1;
  EXPECT_THAT(build_error(tokenizer_json(model)), ::testing::HasSubstr("dropout"));
}

// Added tokens -----------------------------------------------------------------------------

const std::vector<std::string> letters = {"a", "b", "c", " ", "ab"};

TEST(TokenizerAddedTokens, AreMatchedBeforeTheModelAndSkippedWhenSpecial) {
  const Tokenizer tokenizer = make_tokenizer(
      tokenizer_json(bpe_model(letters, {"a b"}), {{"added_tokens", json::array({added_token(5, "<s>", true)})}}));
  EXPECT_EQ(tokenizer.encode("a<s>b", false), (Ids{0, 5, 1}));
  EXPECT_EQ(tokenizer.encode("a<s", false), (Ids{0}));          // '<' and 's' are not in the vocabulary
  EXPECT_EQ(tokenizer.decode(Ids{0, 5, 1}, false), "a <s> b");  // no decoder: tokens joined by spaces
  EXPECT_EQ(tokenizer.decode(Ids{0, 5, 1}, true), "a b");
  EXPECT_TRUE(tokenizer.is_special(5));
  EXPECT_FALSE(tokenizer.is_special(0));
  EXPECT_EQ(tokenizer.token_to_id("<s>"), 5);
  EXPECT_EQ(tokenizer.id_to_token(5), "<s>");
  EXPECT_EQ(tokenizer.vocab_size(), 6u);
  ASSERT_EQ(tokenizer.special_tokens().size(), 1u);
  EXPECT_EQ(tokenizer.special_tokens()[0].content, "<s>");
}

TEST(TokenizerAddedTokens, TheLongestOfThoseStartingAtOnePlaceWins) {
  const Tokenizer tokenizer = make_tokenizer(
      tokenizer_json(bpe_model(letters, {}),
                     {{"added_tokens", json::array({added_token(5, "<x>", true), added_token(6, "<x><y>", true)})}}));
  EXPECT_EQ(tokenizer.encode("<x><y><x>a", false), (Ids{6, 5, 0}));
}

TEST(TokenizerAddedTokens, LstripAndRstripTakeTheSpacesBesideThem) {
  const json plain = added_token(5, "<m>", true);
  const json stripping = added_token(5, "<m>", true, {{"lstrip", true}, {"rstrip", true}});
  EXPECT_EQ(
      make_tokenizer(tokenizer_json(bpe_model(letters, {}), {{"added_tokens", {plain}}})).encode("a  <m> b", false),
      (Ids{0, 3, 3, 5, 3, 1}));
  EXPECT_EQ(
      make_tokenizer(tokenizer_json(bpe_model(letters, {}), {{"added_tokens", {stripping}}})).encode("a  <m> b", false),
      (Ids{0, 5, 1}));
}

TEST(TokenizerAddedTokens, SingleWordTokensAreNotMatchedInsideWords) {
  const Tokenizer tokenizer = make_tokenizer(tokenizer_json(
      bpe_model(letters, {}), {{"added_tokens", {added_token(5, "ba", false, {{"single_word", true}})}}}));
  EXPECT_EQ(tokenizer.encode("ba ba", false), (Ids{5, 3, 5}));
  EXPECT_EQ(tokenizer.encode("cba", false), (Ids{2, 1, 0}));
  EXPECT_EQ(tokenizer.encode("bac", false), (Ids{1, 0, 2}));
}

TEST(TokenizerAddedTokens, NormalizedTokensAreMatchedInTheNormalizedText) {
  const json lowercase = {{"type", "Lowercase"}};
  const json normalized = added_token(5, "AB", false, {{"normalized", true}});
  const json raw = added_token(5, "AB", false);
  EXPECT_EQ(make_tokenizer(
                tokenizer_json(bpe_model(letters, {}), {{"normalizer", lowercase}, {"added_tokens", {normalized}}}))
                .encode("cAb", false),
            (Ids{2, 5}));
  EXPECT_EQ(make_tokenizer(tokenizer_json(bpe_model(letters, {}), {{"normalizer", lowercase}, {"added_tokens", {raw}}}))
                .encode("cAb", false),
            (Ids{2, 0, 1}));
}

// As Hugging Face does: an added token already in the vocabulary has its id there; the others
// are numbered on from the vocabulary's size, whatever "id" the file says.
TEST(TokenizerAddedTokens, TakeTheIdsHuggingFaceGivesThem) {
  const Tokenizer tokenizer = make_tokenizer(tokenizer_json(
      bpe_model(letters, {}), {{"added_tokens", {added_token(40, "ab", true), added_token(41, "<new>", true)}}}));
  EXPECT_EQ(tokenizer.token_to_id("ab"), 4);
  EXPECT_EQ(tokenizer.token_to_id("<new>"), 5);
}

// Normalizers and pre-tokenizers --------------------------------------------------------------

TEST(TokenizerNormalizers, NfcComposesPrependAndReplaceMakeSentencePieceSpaces) {
  const json sentencepiece = {{"type", "Sequence"},
                              {"normalizers",
                               {{{"type", "NFC"}},
                                {{"type", "Prepend"}, {"prepend", "\u2581"}},
                                {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\u2581"}}}}};
  const Tokenizer tokenizer = make_tokenizer(
      tokenizer_json(bpe_model({"\u2581", "a", "\u00e9", "\u2581a"}, {"\u2581 a"}), {{"normalizer", sentencepiece}}));
  EXPECT_EQ(tokenizer.encode("a e\u0301", false), (Ids{3, 0, 2}));
  EXPECT_EQ(tokenizer.encode("", false), (Ids{}));
}

TEST(TokenizerPreTokenizers, DigitsSplitNumbersIndividuallyOrInRuns) {
  const json model = bpe_model({"a", "1", "2", "3", "12", "123"}, {"1 2", "12 3"});
  EXPECT_EQ(make_tokenizer(tokenizer_json(model)).encode("a123", false), (Ids{0, 5}));
  EXPECT_EQ(
      make_tokenizer(tokenizer_json(model, {{"pre_tokenizer", {{"type", "Digits"}, {"individual_digits", true}}}}))
          .encode("a123", false),
      (Ids{0, 1, 2, 3}));
  EXPECT_EQ(
      make_tokenizer(tokenizer_json(model, {{"pre_tokenizer", {{"type", "Digits"}, {"individual_digits", false}}}}))
          .encode("a123", false),
      (Ids{0, 5}));
}

TEST(TokenizerPreTokenizers, SplitKeepsOrDropsWhatTheRegexMatches) {
  // Merges as pairs: a token with a space cannot be written in the "a b" form.
  json model = bpe_model({"a", "b", " ", "ab", " a"}, {});
  model["merges"] = json::array({json::array({" ", "a"}), json::array({"a", "b"})});
  auto split = [&](const std::string& behavior, bool invert) {
    return make_tokenizer(tokenizer_json(model, {{"pre_tokenizer",
                                                  {{"type", "Split"},
                                                   {"pattern", {{"Regex", "\\s+"}}},
                                                   {"behavior", behavior},
                                                   {"invert", invert}}}}))
        .encode("ab ab", false);
  };
  EXPECT_EQ(split("Removed", false), (Ids{3, 3}));
  EXPECT_EQ(split("Isolated", false), (Ids{3, 2, 3}));
  EXPECT_EQ(split("MergedWithNext", false), (Ids{3, 4, 1}));  // " ab": " a" merges first
  EXPECT_EQ(split("Removed", true), (Ids{2}));                // keeps only the spaces
}

TEST(TokenizerPreTokenizers, MetaspacePrependsAsItsSchemeSays) {
  const json model = bpe_model({"\u2581", "a", "\u2581a", "<s>"}, {"\u2581 a"});
  auto encode = [&](const std::string& scheme, const std::string& text) {
    json metaspace = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", scheme}, {"split", true}};
    return make_tokenizer(
               tokenizer_json(model, {{"pre_tokenizer", metaspace}, {"added_tokens", {added_token(3, "<s>", true)}}}))
        .encode(text, false);
  };
  EXPECT_EQ(encode("always", "a a"), (Ids{2, 2}));
  EXPECT_EQ(encode("always", "<s>a"), (Ids{3, 2}));
  EXPECT_EQ(encode("first", "<s>a"), (Ids{3, 1}));  // the "a" does not begin the text
  EXPECT_EQ(encode("first", "a"), (Ids{2}));
  EXPECT_EQ(encode("never", "a a"), (Ids{1, 2}));
}

TEST(TokenizerPreTokenizers, ByteLevelMapsBytesAndCanSplitLikeGpt2) {
  // "Ġ" (U+0120) is the space of the byte-level alphabet.
  const json model = bpe_model({"\u0120", "h", "i", "\u0120h", "\u0120hi", "!"}, {"\u0120 h", "\u0120h i"});
  const json byte_level = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
  const Tokenizer tokenizer =
      make_tokenizer(tokenizer_json(model, {{"pre_tokenizer", byte_level}, {"decoder", {{"type", "ByteLevel"}}}}));
  EXPECT_EQ(tokenizer.encode("hi hi!", false), (Ids{4, 4, 5}));
  EXPECT_EQ(tokenizer.decode(Ids{4, 4, 5}), " hi hi!");
}

TEST(TokenizerComponents, UnknownTypesAreRefusedByName) {
  const json model = bpe_model({"a"}, {});
  EXPECT_THAT(build_error(tokenizer_json(model, {{"normalizer", {{"type", "Precompiled"}}}})),
              ::testing::HasSubstr("normalizer: the normalizer type \"Precompiled\" is not supported"));
  EXPECT_THAT(build_error(tokenizer_json(
                  model, {{"pre_tokenizer", {{"type", "Sequence"}, {"pretokenizers", {{{"type", "Punctuation"}}}}}}})),
              ::testing::HasSubstr("pre_tokenizer.pretokenizers[0]: the pre-tokenizer type \"Punctuation\""));
  EXPECT_THAT(build_error(tokenizer_json(model, {{"post_processor", {{"type", "Template"}}}})),
              ::testing::HasSubstr("\"Template\" is not supported"));
  EXPECT_THAT(build_error(tokenizer_json(model, {{"decoder", {{"type", "CTC"}}}})),
              ::testing::HasSubstr("the decoder type \"CTC\" is not supported"));
  EXPECT_THAT(build_error(tokenizer_json(model, {{"truncation", {{"max_length", 8}}}})),
              ::testing::HasSubstr("truncation is not supported"));
}

// Post-processors and decoders ----------------------------------------------------------------

TEST(TokenizerPostProcessors, TemplateProcessingAddsItsTokensOnlyWhenAsked) {
  const json template_processing = {{"type", "TemplateProcessing"},
                                    {"single",
                                     {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
                                      {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                                      {{"SpecialToken", {{"id", "</s>"}, {"type_id", 0}}}}}},
                                    {"pair", json::array()},
                                    {"special_tokens",
                                     {{"<s>", {{"id", "<s>"}, {"ids", {7}}, {"tokens", {"<s>"}}}},
                                      {"</s>", {{"id", "</s>"}, {"ids", {8, 9}}, {"tokens", {"</", "s>"}}}}}}};
  const Tokenizer tokenizer =
      make_tokenizer(tokenizer_json(bpe_model(letters, {}), {{"post_processor", template_processing}}));
  EXPECT_EQ(tokenizer.encode("ab", true), (Ids{7, 0, 1, 8, 9}));
  EXPECT_EQ(tokenizer.encode("ab", false), (Ids{0, 1}));
}

TEST(TokenizerDecoders, SentencePieceChainTurnsMetaspacesBackAndStripsTheFirst) {
  const json chain = {{"type", "Sequence"},
                      {"decoders",
                       {{{"type", "Replace"}, {"pattern", {{"String", "\u2581"}}}, {"content", " "}},
                        {{"type", "ByteFallback"}},
                        {{"type", "Fuse"}},
                        {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}};
  const Tokenizer tokenizer =
      make_tokenizer(tokenizer_json(bpe_model({"\u2581a", "\u2581\u2581b", "<0x21>"}, {}), {{"decoder", chain}}));
  EXPECT_EQ(tokenizer.decode(Ids{0, 1, 2}), "a  b!");
}

TEST(TokenizerDecoders, MetaspaceDecoderDropsTheFirstReplacementOnly) {
  const json metaspace = {{"type", "Metaspace"}, {"replacement", "\u2581"}, {"prepend_scheme", "always"}};
  const Tokenizer tokenizer =
      make_tokenizer(tokenizer_json(bpe_model({"\u2581a", "\u2581b"}, {}), {{"decoder", metaspace}}));
  EXPECT_EQ(tokenizer.decode(Ids{0, 1}), "a b");
}

TEST(TokenizerDecoders, ByteLevelTakesTokensOutsideItsAlphabetAsTheyAre) {
  const Tokenizer tokenizer = make_tokenizer(
      tokenizer_json(bpe_model({"\u0120a", "<x y>", "\u00c3", "\u00a9"}, {}), {{"decoder", {{"type", "ByteLevel"}}}}));
  EXPECT_EQ(tokenizer.decode(Ids{0, 1, 2, 3}), " a<x y>\u00e9");  // "Ã©" are the two bytes of é
  EXPECT_EQ(tokenizer.decode(Ids{2}), "\xEF\xBF\xBD");            // a lone lead byte
}

TEST(TokenizerApi, RefusesTextThatIsNotUtf8AndIdsOutsideTheVocabulary) {
  const Tokenizer tokenizer = make_tokenizer(tokenizer_json(bpe_model(letters, {})));
  EXPECT_THROW(tokenizer.encode("a\xFF", false), Error);
  EXPECT_THROW(tokenizer.encode("\xED\xA0\x80", false), Error);  // a surrogate
  EXPECT_THROW(tokenizer.decode(Ids{0, 99}), Error);
  EXPECT_THROW(tokenizer.decode(Ids{-1}), Error);
  EXPECT_EQ(tokenizer.id_to_token(99), std::nullopt);
  EXPECT_EQ(tokenizer.token_to_id("zz"), std::nullopt);
}

}  // namespace
}  // namespace strata
