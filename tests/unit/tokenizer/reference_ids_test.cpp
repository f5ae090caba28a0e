// Every id Strata gives on every corpus entry, with and without special tokens, against the ids
// Hugging Face's Rust tokenizers library gave for the same tokenizer.json (recorded by
// tools/tokenizer-reference.js); the decoded texts likewise; the vocabulary size; and
// decode(encode(x)) == x on every entry the tokenizer itself gives back unchanged.
#include "reference_tokenizers.hpp"
#include "tokenizer_test_data.hpp"

#include <strata/tokenizer.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

namespace strata {
namespace {

using strata_test::reference_tokenizer;

std::string ids_text(const std::vector<std::int32_t>& ids) { return nlohmann::json(ids).dump(); }

// The entry, escaped, for the failure message.
std::string shown(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class ReferenceIds : public ::testing::TestWithParam<std::string> {};

// One test per tokenizer, so that each (large) tokenizer.json is parsed once: the ids, the
// decoded texts, the round trip and the vocabulary size are each checked and reported apart.
TEST_P(ReferenceIds, AgreeWithHuggingFaceOnTheWholeCorpus) {
  const Tokenizer& tokenizer = reference_tokenizer(GetParam());
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  const strata_test::Reference reference = strata_test::tokenizer_reference(GetParam());
  ASSERT_EQ(reference.lines.size(), corpus.size()) << "regenerate the reference: tools/fetch-tokenizers";
  EXPECT_EQ(tokenizer.vocab_size(), reference.vocab_size);

  std::size_t identical = 0;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const strata_test::ReferenceLine& line = reference.lines[i];
    const std::vector<std::int32_t> ids = tokenizer.encode(corpus[i], false);
    const std::vector<std::int32_t> with_special = tokenizer.encode(corpus[i], true);
    EXPECT_EQ(ids_text(ids), ids_text(line.ids)) << "entry " << i << ": " << shown(corpus[i]);
    EXPECT_EQ(ids_text(with_special), ids_text(line.ids_with_special_tokens))
        << "entry " << i << " with special tokens: " << shown(corpus[i]);
    if (ids == line.ids && with_special == line.ids_with_special_tokens) ++identical;

    EXPECT_EQ(shown(tokenizer.decode(line.ids_with_special_tokens, false)), shown(line.decoded))
        << "decoding entry " << i << ": " << shown(corpus[i]);
    EXPECT_EQ(shown(tokenizer.decode(line.ids_with_special_tokens, true)), shown(line.decoded_skipping_special_tokens))
        << "decoding entry " << i << " skipping special tokens: " << shown(corpus[i]);
  }
  std::cout << GetParam() << ": " << identical << " / " << corpus.size()
            << " corpus entries give Hugging Face's ids exactly (" << reference.made_by << ")\n";
  RecordProperty("identical_entries", static_cast<int>(identical));

  // Byte-level tokenizers give back any text (Qwen's normalizer composes characters first, so
  // not a decomposed one); the SentencePiece-style one gives back text without added tokens in
  // it. Which entries come back whole is what Hugging Face's own decode says; Strata must then
  // give back exactly the input there, from its own ids.
  std::size_t lossless = 0;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    if (reference.lines[i].decoded_skipping_special_tokens != corpus[i]) continue;
    ++lossless;
    EXPECT_EQ(shown(tokenizer.decode(tokenizer.encode(corpus[i], true), true)), shown(corpus[i]))
        << "round trip of entry " << i;
    EXPECT_EQ(shown(tokenizer.decode(tokenizer.encode(corpus[i], false), false)), shown(corpus[i]))
        << "round trip of entry " << i;
  }
  std::cout << GetParam() << ": " << lossless << " / " << corpus.size() << " entries round-trip\n";
  // Most of the corpus has no added token and is in NFC: a tokenizer that round-trips little of
  // it is not the one the reference describes.
  EXPECT_GT(lossless, corpus.size() * 3 / 4);
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, ReferenceIds, ::testing::ValuesIn(strata_test::reference_tokenizers),
                         [](const auto& test_info) { return test_info.param; });

// A Tokenizer is shared between threads as it is (its word cache is the only state): threads
// encoding at once, each text many times over so that they meet in the cache, get the same ids.
TEST(ReferenceIdsThreads, ThreadsEncodingAtOnceGetHuggingFacesIds) {
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  const strata_test::Reference reference = strata_test::tokenizer_reference("llama2");
  const Tokenizer tokenizer = Tokenizer::from_file(strata_test::tokenizer_json_path("llama2"));
  std::atomic<int> mismatches = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t i = 0; i < corpus.size(); ++i) {
          const std::size_t entry = (i + static_cast<std::size_t>(t) * 17) % corpus.size();
          if (tokenizer.encode(corpus[entry], true) != reference.lines[entry].ids_with_special_tokens) ++mismatches;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace strata
