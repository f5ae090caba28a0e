// TokenStreamDecoder on every corpus entry of every reference tokenizer: each piece is valid
// UTF-8 (no character is ever split), and the pieces together are the whole decode.
#include "reference_tokenizers.hpp"
#include "tokenizer_test_data.hpp"

#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace strata {
namespace {

using strata_test::reference_tokenizer;

// nlohmann::json refuses to write a string that is not UTF-8.
bool is_utf8(const std::string& text) {
  try {
    (void)nlohmann::json(text).dump();
    return true;
  } catch (const nlohmann::json::type_error&) {
    return false;
  }
}

class StreamDecoder : public ::testing::TestWithParam<std::string> {};

TEST_P(StreamDecoder, PiecesAreWholeCharactersAndAddUpToTheDecode) {
  const Tokenizer& tokenizer = reference_tokenizer(GetParam());
  for (const std::string& text : strata_test::tokenizer_corpus()) {
    const std::vector<std::int32_t> ids = tokenizer.encode(text, true);
    for (const bool skip_special_tokens : {false, true}) {
      TokenStreamDecoder stream = tokenizer.stream_decoder(skip_special_tokens);
      std::string streamed;
      for (std::int32_t id : ids) {
        const std::string piece = stream.push(id);
        EXPECT_TRUE(is_utf8(piece)) << "a piece splits a character, in " << nlohmann::json(text).dump();
        streamed += piece;
      }
      streamed += stream.flush();
      EXPECT_EQ(streamed, tokenizer.decode(ids, skip_special_tokens)) << nlohmann::json(text).dump();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, StreamDecoder, ::testing::ValuesIn(strata_test::reference_tokenizers),
                         [](const auto& test_info) { return test_info.param; });

// With byte fallback an emoji is four byte tokens: nothing comes out until the fourth.
TEST(StreamDecoderBytes, HoldsBackACharacterUntilItsLastByte) {
  const Tokenizer& tokenizer = reference_tokenizer("llama2");
  const std::string emoji = "\xF0\x9F\xA6\x9C";  // U+1F99C, far from the vocabulary
  const std::vector<std::int32_t> ids = tokenizer.encode("a" + emoji, false);
  std::vector<std::int32_t> byte_ids;
  for (std::int32_t id : ids) {
    if (tokenizer.id_to_token(id)->starts_with("<0x")) byte_ids.push_back(id);
  }
  ASSERT_EQ(byte_ids.size(), 4u) << "the emoji is expected to fall back to bytes";
  TokenStreamDecoder stream = tokenizer.stream_decoder();
  std::vector<std::string> pieces;
  for (std::int32_t id : ids) pieces.push_back(stream.push(id));
  ASSERT_EQ(pieces.size(), ids.size());
  EXPECT_EQ(pieces[pieces.size() - 4], "");
  EXPECT_EQ(pieces[pieces.size() - 3], "");
  EXPECT_EQ(pieces[pieces.size() - 2], "");
  EXPECT_EQ(pieces.back(), emoji);
  EXPECT_EQ(stream.flush(), "");
}

// Bytes that never form a character come out as U+FFFD after a bounded wait, not never.
TEST(StreamDecoderBytes, InvalidBytesComeOutReplacedAndTheWindowStaysSmall) {
  const Tokenizer& tokenizer = reference_tokenizer("llama2");
  const std::int32_t continuation_byte = *tokenizer.token_to_id("<0x80>");
  TokenStreamDecoder stream = tokenizer.stream_decoder();
  std::string streamed;
  for (int i = 0; i < 1000; ++i) streamed += stream.push(continuation_byte);
  streamed += stream.flush();
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_GE(streamed.size(), 900 * replacement.size());
  EXPECT_TRUE(is_utf8(streamed));
  EXPECT_THROW(stream.push(-5), Error);
}

// Skipped special tokens between words, more of them than the stream holds back: the space
// the Strip decoder would take from a first word is still there after them.
TEST(StreamDecoderBytes, ManySkippedSpecialTokensKeepTheSpaceBetweenWords) {
  const Tokenizer& tokenizer = reference_tokenizer("llama2");
  const std::int32_t eos = *tokenizer.token_to_id("</s>");
  std::vector<std::int32_t> ids = tokenizer.encode("Hello", true);
  ids.insert(ids.end(), 40, eos);
  const std::vector<std::int32_t> world = tokenizer.encode(" world", false);
  ids.insert(ids.end(), world.begin(), world.end());
  TokenStreamDecoder stream = tokenizer.stream_decoder(true);
  std::string streamed;
  for (std::int32_t id : ids) streamed += stream.push(id);
  streamed += stream.flush();
  EXPECT_EQ(streamed, tokenizer.decode(ids, true));
}

}  // namespace
}  // namespace strata
