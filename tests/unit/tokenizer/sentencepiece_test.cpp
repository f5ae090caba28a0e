// SentencePiece tokenizer.model files: Llama 2's real model gives, on every corpus entry, the ids
// and the text Google's SentencePiece gives (recorded by tools/sentencepiece-reference.js from its
// WebAssembly build), prints special tokens as Hugging Face does, adds BOS and EOS as asked, and
// loads from a model folder that has no tokenizer.json. Files from strangers (empty, truncated,
// corrupt, oversized, not regular files, or holding what SentencePiece would crash on) end in an
// Error, never a crash.
#include "reference_tokenizers.hpp"
#include "sentencepiece_model_builder.hpp"
#include "tokenizer_test_data.hpp"

#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <strata_test/error_message.hpp>
#include <strata_test/temp_dir.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

namespace strata {
namespace {

using strata_test::error_of;

namespace sp = strata_test::sentencepiece;

constexpr std::int32_t unk_id = 0, bos_id = 1, eos_id = 2;
constexpr std::int32_t hello_id = 15043;  // "▁Hello" in Llama 2

const Tokenizer& llama2() {
  static const Tokenizer tokenizer = Tokenizer::from_sentencepiece_file(strata_test::sentencepiece_model_path());
  return tokenizer;
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string ids_text(const std::vector<std::int32_t>& ids) { return nlohmann::json(ids).dump(); }

// The text, escaped, for failure messages.
std::string shown(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::int32_t> with_bos(std::vector<std::int32_t> ids) {
  ids.insert(ids.begin(), bos_id);
  return ids;
}

TEST(SentencePieceReference, IdsAndTextAreGoogleSentencePiecesOnTheWholeCorpus) {
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  const strata_test::SentencePieceReference reference = strata_test::sentencepiece_reference();
  ASSERT_EQ(reference.lines.size(), corpus.size()) << "regenerate the reference: tools/fetch-tokenizers";
  EXPECT_EQ(reference.special_tokens, (std::map<std::string, std::int32_t>{{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}}));
  const Tokenizer& tokenizer = llama2();
  EXPECT_EQ(tokenizer.vocab_size(), 32000u);

  std::size_t identical = 0, lossless = 0;
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const strata_test::SentencePieceReferenceLine& line = reference.lines[i];
    const std::vector<std::int32_t> ids = tokenizer.encode(corpus[i], false);
    EXPECT_EQ(ids_text(ids), ids_text(line.ids)) << "entry " << i << ": " << shown(corpus[i]);
    EXPECT_EQ(ids_text(tokenizer.encode(corpus[i], true)), ids_text(with_bos(line.ids)))
        << "entry " << i << " with BOS: " << shown(corpus[i]);
    if (ids == line.ids) ++identical;
    // Entries with special tokens written in them are checked against Hugging Face below.
    if (!line.decoded) continue;
    EXPECT_EQ(shown(tokenizer.decode(line.ids)), shown(*line.decoded)) << "decoding entry " << i;
    EXPECT_EQ(shown(tokenizer.decode(with_bos(line.ids), true)), shown(*line.decoded))
        << "decoding entry " << i << " skipping BOS";
    // SentencePiece gives back every text, except that "▁" is its space and comes back as one.
    if (corpus[i].find("\xE2\x96\x81") != std::string::npos) continue;
    ++lossless;
    EXPECT_EQ(shown(tokenizer.decode(ids)), shown(corpus[i])) << "round trip of entry " << i;
  }
  std::cout << "llama2-sentencepiece: " << identical << " / " << corpus.size()
            << " corpus entries give SentencePiece's ids exactly (" << reference.made_by << "); " << lossless
            << " round-trip\n";
  EXPECT_GT(lossless, corpus.size() * 3 / 4);
}

// Hugging Face prints the special tokens of decode, and a space before the text that follows one
// ("<s> Hello"), which SentencePiece's decode does not. The Rust library's decode of the
// SentencePiece-style tokenizer.json (Mistral 7B's vocabulary, with the same <unk>, <s> and </s>)
// is the reference: both vocabularies give every corpus text back, so the decoded texts, special
// tokens and all, do not depend on which vocabulary encoded them.
TEST(SentencePieceReference, DecodesAsHuggingFacePrintsIt) {
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  const strata_test::Reference hugging_face = strata_test::tokenizer_reference("llama2");
  ASSERT_EQ(hugging_face.lines.size(), corpus.size());
  const Tokenizer& tokenizer = llama2();
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const std::vector<std::int32_t> ids = tokenizer.encode(corpus[i], true);
    EXPECT_EQ(shown(tokenizer.decode(ids, false)), shown(hugging_face.lines[i].decoded))
        << "entry " << i << ": " << shown(corpus[i]);
    EXPECT_EQ(shown(tokenizer.decode(ids, true)), shown(hugging_face.lines[i].decoded_skipping_special_tokens))
        << "entry " << i << " skipping special tokens: " << shown(corpus[i]);
  }
}

TEST(SentencePieceTokenizer, UnknownAndControlPiecesAreSpecialTokens) {
  const Tokenizer& tokenizer = llama2();
  std::vector<std::pair<std::int32_t, std::string>> special;
  for (const AddedToken& token : tokenizer.special_tokens()) special.emplace_back(token.id, token.content);
  EXPECT_EQ(special, (std::vector<std::pair<std::int32_t, std::string>>{{0, "<unk>"}, {1, "<s>"}, {2, "</s>"}}));
  EXPECT_TRUE(tokenizer.is_special(bos_id));
  EXPECT_FALSE(tokenizer.is_special(hello_id));

  // Written in the text, they are the special tokens, as transformers' LlamaTokenizer reads them
  // (SentencePiece alone would spell "<s>" out as "▁<", "s", ">").
  EXPECT_EQ(tokenizer.encode("<s>Hello</s>", false), (std::vector<std::int32_t>{bos_id, hello_id, eos_id}));
  EXPECT_EQ(tokenizer.encode("<unk>", false), (std::vector<std::int32_t>{unk_id}));
  EXPECT_EQ(tokenizer.decode(std::vector<std::int32_t>{bos_id, hello_id, eos_id}), "<s> Hello</s>");
  EXPECT_EQ(tokenizer.decode(std::vector<std::int32_t>{bos_id, hello_id, eos_id}, true), "Hello");
  EXPECT_EQ(tokenizer.decode(std::vector<std::int32_t>{unk_id}), "<unk>");
  EXPECT_EQ(tokenizer.decode(std::vector<std::int32_t>{unk_id}, true), "");
}

TEST(SentencePieceTokenizer, TokensAndIdsBothWays) {
  const Tokenizer& tokenizer = llama2();
  EXPECT_EQ(tokenizer.token_to_id("\xE2\x96\x81Hello"), hello_id);
  EXPECT_EQ(tokenizer.token_to_id("<s>"), bos_id);
  EXPECT_EQ(tokenizer.token_to_id("<0x41>"), 68);  // byte pieces follow the 3 special ones
  // SentencePiece answers <unk>'s id for what is no piece; Strata answers none.
  EXPECT_EQ(tokenizer.token_to_id("no such piece"), std::nullopt);
  EXPECT_EQ(tokenizer.id_to_token(hello_id), "\xE2\x96\x81Hello");
  EXPECT_EQ(tokenizer.id_to_token(unk_id), "<unk>");
  EXPECT_NE(tokenizer.id_to_token(31999), std::nullopt);  // the last piece
  EXPECT_EQ(tokenizer.id_to_token(32000), std::nullopt);
  EXPECT_EQ(tokenizer.id_to_token(-1), std::nullopt);
}

TEST(SentencePieceTokenizer, IdsOutsideTheVocabularyAreErrors) {
  const Tokenizer& tokenizer = llama2();
  EXPECT_THAT(error_of([&] {
                tokenizer.decode(std::vector<std::int32_t>{hello_id, 32000});
              }),
              ::testing::HasSubstr("no token has the id 32000"));
  EXPECT_THAT(error_of([&] { tokenizer.decode(std::vector<std::int32_t>{-1}); }),
              ::testing::HasSubstr("no token has the id -1"));
  EXPECT_THAT(error_of([&] { tokenizer.stream_decoder().push(32000); }), ::testing::HasSubstr("32000"));
}

TEST(SentencePieceTokenizer, BosAndEosAreAddedAsAsked) {
  const std::filesystem::path model = strata_test::sentencepiece_model_path();
  EXPECT_EQ(llama2().encode("Hello", true), (std::vector<std::int32_t>{bos_id, hello_id}));
  EXPECT_EQ(llama2().encode("Hello", false), (std::vector<std::int32_t>{hello_id}));
  const Tokenizer eos_only = Tokenizer::from_sentencepiece_file(model, {.add_bos = false, .add_eos = true});
  EXPECT_EQ(eos_only.encode("Hello", true), (std::vector<std::int32_t>{hello_id, eos_id}));
  EXPECT_EQ(eos_only.encode("Hello", false), (std::vector<std::int32_t>{hello_id}));
  const Tokenizer both = Tokenizer::from_sentencepiece_file(model, {.add_bos = true, .add_eos = true});
  EXPECT_EQ(both.encode("Hello", true), (std::vector<std::int32_t>{bos_id, hello_id, eos_id}));
  EXPECT_EQ(both.encode("", true), (std::vector<std::int32_t>{bos_id, eos_id}));
  // A model without a BOS piece gets none.
  const Tokenizer no_bos =
      Tokenizer::from_sentencepiece(sp::piece("<unk>", 0, sp::PieceType::unknown) + sp::piece(sp::space_piece, -1) +
                                    sp::piece("a", -2) + sp::trainer_spec() + sp::normalizer_spec());
  EXPECT_EQ(no_bos.encode("a", true), (std::vector<std::int32_t>{1, 2}));
}

// TokenStreamDecoder over a SentencePiece model: whole characters, adding up to the decode.
TEST(SentencePieceTokenizer, StreamedTextAddsUpToTheDecode) {
  const Tokenizer& tokenizer = llama2();
  for (const std::string& text : strata_test::tokenizer_corpus()) {
    const std::vector<std::int32_t> ids = tokenizer.encode(text, true);
    for (const bool skip_special_tokens : {false, true}) {
      TokenStreamDecoder stream = tokenizer.stream_decoder(skip_special_tokens);
      std::string streamed;
      for (std::int32_t id : ids) streamed += stream.push(id);
      streamed += stream.flush();
      EXPECT_EQ(shown(streamed), shown(tokenizer.decode(ids, skip_special_tokens))) << shown(text);
    }
  }
}

TEST(SentencePieceTokenizer, ThreadsEncodingAtOnceGetTheSameIds) {
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  const strata_test::SentencePieceReference reference = strata_test::sentencepiece_reference();
  const Tokenizer& tokenizer = llama2();
  std::atomic<int> mismatches = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < corpus.size(); ++i) {
        const std::size_t entry = (i + static_cast<std::size_t>(t) * 17) % corpus.size();
        if (tokenizer.encode(corpus[entry], false) != reference.lines[entry].ids) ++mismatches;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// Inputs that make naive tokenizers quadratic come back whole (ctest's timeout catches a hang).
TEST(SentencePieceTokenizer, LongTextsComeBackWhole) {
  std::string near_misses;
  while (near_misses.size() < 200000) near_misses += "<s<unk</s <|im_start<s";
  std::string emoji;
  while (emoji.size() < 200000) emoji += "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9";
  for (const std::string& text : {std::string(1 << 20, ' '), std::string(1 << 20, 'a'), std::string(1 << 18, '\n'),
                                  std::string(200000, '7'), near_misses, emoji}) {
    const std::vector<std::int32_t> ids = llama2().encode(text, false);
    EXPECT_FALSE(ids.empty());
    EXPECT_TRUE(llama2().decode(ids) == text)
        << "a text of " << text.size() << " bytes starting " << text.substr(0, 16);
  }
}

TEST(SentencePieceModelFolder, AFolderWithOnlyTokenizerModelLoads) {
  strata_test::TempDir folder;
  EXPECT_EQ(Tokenizer::from_model_dir(folder.path()), std::nullopt);
  std::filesystem::copy_file(strata_test::sentencepiece_model_path(), folder.path() / "tokenizer.model");
  std::optional<Tokenizer> tokenizer = Tokenizer::from_model_dir(folder.path());
  ASSERT_TRUE(tokenizer);
  EXPECT_EQ(tokenizer->encode("Hello", true), (std::vector<std::int32_t>{bos_id, hello_id}));

  // tokenizer_config.json says what LlamaTokenizer adds.
  write_bytes(folder.path() / "tokenizer_config.json", R"({"add_bos_token": false, "add_eos_token": true})");
  tokenizer = Tokenizer::from_model_dir(folder.path());
  ASSERT_TRUE(tokenizer);
  EXPECT_EQ(tokenizer->encode("Hello", true), (std::vector<std::int32_t>{hello_id, eos_id}));
  write_bytes(folder.path() / "tokenizer_config.json",
              R"({"add_bos_token": null, "tokenizer_class": "LlamaTokenizer"})");
  EXPECT_EQ(Tokenizer::from_model_dir(folder.path())->encode("Hello", true),
            (std::vector<std::int32_t>{bos_id, hello_id}));
  write_bytes(folder.path() / "tokenizer_config.json", R"({"add_bos_token": "yes"})");
  EXPECT_THAT(error_of([&] { Tokenizer::from_model_dir(folder.path()); }),
              ::testing::AllOf(::testing::HasSubstr("tokenizer_config.json"), ::testing::HasSubstr("add_bos_token")));
  write_bytes(folder.path() / "tokenizer_config.json", "{");
  EXPECT_THAT(error_of([&] { Tokenizer::from_model_dir(folder.path()); }), ::testing::HasSubstr("not valid JSON"));

  // tokenizer.json comes first: this one is Mistral's vocabulary, where "▁Hello" is 22557.
  std::filesystem::copy_file(strata_test::tokenizer_json_path("llama2"), folder.path() / "tokenizer.json");
  EXPECT_EQ(Tokenizer::from_model_dir(folder.path())->encode("Hello", false), (std::vector<std::int32_t>{22557}));
}

TEST(UntrustedSentencePieceFile, OnlyRegularFilesWithinTheLimitAreRead) {
  strata_test::TempDir folder;
  EXPECT_THAT(error_of([&] { Tokenizer::from_sentencepiece_file(folder.path() / "missing.model"); }),
              ::testing::HasSubstr("missing.model"));
  EXPECT_THAT(error_of([&] { Tokenizer::from_sentencepiece_file(folder.path()); }),
              ::testing::HasSubstr("not a regular file"));
  const std::filesystem::path fifo = folder.path() / "fifo.model";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_THAT(error_of([&] { Tokenizer::from_sentencepiece_file(fifo); }), ::testing::HasSubstr("not a regular file"));
  const std::filesystem::path huge = folder.path() / "huge.model";
  write_bytes(huge, "\n");
  std::filesystem::resize_file(huge, Tokenizer::max_sentencepiece_bytes + 1);  // sparse: costs no disk
  EXPECT_THAT(error_of([&] { Tokenizer::from_sentencepiece_file(huge); }), ::testing::HasSubstr("more than"));
}

TEST(UntrustedSentencePieceFile, EmptyTruncatedOrCorruptFilesAreErrorsNamingTheFile) {
  strata_test::TempDir folder;
  const std::string model = read_bytes(strata_test::sentencepiece_model_path());
  ASSERT_EQ(model.size(), 499723u);
  std::string corrupt;
  for (std::uint32_t i = 0, x = 12345; i < 4096; ++i)
    corrupt += static_cast<char>((x = x * 1103515245u + 12345u) >> 24);
  const std::vector<std::pair<std::string, std::string>> files = {
      {"empty.model", ""},
      {"truncated.model", model.substr(0, model.size() / 2)},
      {"cut_in_a_piece.model", model.substr(0, 1000)},
      {"corrupt.model", corrupt},
      {"json.model", read_bytes(strata_test::tokenizer_json_path("llama2")).substr(0, 100000)},
  };
  for (const auto& file : files) {
    const std::filesystem::path path = folder.path() / file.first;
    write_bytes(path, file.second);
    const std::string error = error_of([&] { Tokenizer::from_sentencepiece_file(path); });
    EXPECT_THAT(error, ::testing::HasSubstr(file.first)) << file.first;
    EXPECT_THAT(error, ::testing::HasSubstr("not a SentencePiece model Strata can load")) << file.first;
  }
}

// Bytes changed here and there in Llama 2's model: each changed model is refused with an Error
// naming the file, or loads, and then encodes and decodes (no crash, no other exception).
TEST(UntrustedSentencePieceFile, DamagedModelsLoadOrAreRefused) {
  const std::string model = read_bytes(strata_test::sentencepiece_model_path());
  const std::vector<std::string> corpus = strata_test::tokenizer_corpus();
  std::uint64_t state = 0x9E3779B97F4A7C15u;
  auto next = [&state] { return (state = state * 6364136223846793005u + 1442695040888963407u) >> 33; };
  int loaded = 0, refused = 0;
  for (int round = 0; round < 48; ++round) {
    std::string damaged = model;
    for (std::uint64_t changes = 1 + next() % 4; changes > 0; --changes) {
      damaged[next() % damaged.size()] = static_cast<char>(next() & 0xFF);
    }
    std::optional<Tokenizer> tokenizer;
    try {
      tokenizer = Tokenizer::from_sentencepiece(damaged);
    } catch (const Error& error) {
      EXPECT_THAT(error.what(), ::testing::HasSubstr("tokenizer.model: not a SentencePiece model"));
      ++refused;
      continue;
    }
    ++loaded;
    for (std::size_t i = 0; i < corpus.size(); i += 7) {
      const std::vector<std::int32_t> ids = tokenizer->encode(corpus[i], true);
      (void)tokenizer->decode(ids, false);
    }
  }
  std::cout << "damaged models: " << loaded << " loaded, " << refused << " refused\n";
}

// What SentencePiece itself would crash on, or read out of bounds for, is refused before it loads.
TEST(UntrustedSentencePieceModel, WhatSentencePieceTrustsBlindlyIsChecked) {
  const std::vector<std::string> pieces = {sp::space_piece, "a", "b"};
  auto load = [](const std::string& bytes) { return Tokenizer::from_sentencepiece(bytes); };
  // The small model itself loads: BPE without byte fallback, so "z" is unknown.
  EXPECT_EQ(load(sp::small_model(pieces)).encode("ab z", false), (std::vector<std::int32_t>{3, 4, 5, 3, 0}));

  // A normalization trie whose states lie outside it, or that loops, or where one text passes
  // more rules than SentencePiece keeps results for.
  EXPECT_THAT(error_of([&] {
                load(sp::small_model(pieces, "", sp::little_endian_u32(1024) + std::string(1024, '\x7f') + "b"));
              }),
              ::testing::HasSubstr("precompiled_charsmap: a state's transitions lie outside the trie"));
  EXPECT_THAT(
      error_of([&] { load(sp::small_model(pieces, "", sp::little_endian_u32(1024) + std::string(1024, '\0') + "b")); }),
      ::testing::HasSubstr("the trie has a cycle"));
  EXPECT_THAT(error_of([&] { load(sp::small_model(pieces, "", sp::chain_charsmap(33))); }),
              ::testing::HasSubstr("more than 32 of its rules"));
  EXPECT_THAT(error_of([&] { load(sp::small_model(pieces, "", sp::little_endian_u32(4096) + "b")); }),
              ::testing::HasSubstr("does not fit"));
  // 32 rules along one text are fine: "a" up to 32 times becomes "b".
  EXPECT_EQ(load(sp::small_model(pieces, "", sp::chain_charsmap(32))).encode(std::string(40, 'a'), false),
            (std::vector<std::int32_t>{3, 5, 5}));

  // User-defined pieces that start one another: 64 are fine, 65 overflow SentencePiece's matcher.
  std::string nested;
  for (int length = 1; length <= 64; ++length)
    nested += sp::piece(std::string(length, 'x'), 0, sp::PieceType::user_defined);
  EXPECT_EQ(load(sp::small_model(pieces, nested)).encode(std::string(70, 'x'), false),
            (std::vector<std::int32_t>{3, 6 + 63, 6 + 5}));
  nested += sp::piece(std::string(65, 'x'), 0, sp::PieceType::user_defined);
  EXPECT_THAT(error_of([&] { load(sp::small_model(pieces, nested)); }),
              ::testing::HasSubstr("more than 64 user-defined pieces start one another"));

  // Pieces with NUL (SentencePiece's tries take C strings), or too long, or too many.
  EXPECT_THAT(error_of([&] {
                load(sp::small_model({sp::space_piece, std::string("a\0b", 3)}));
              }),
              ::testing::HasSubstr("piece 4 holds a NUL byte"));
  EXPECT_THAT(error_of([&] {
                load(sp::small_model({sp::space_piece, std::string(1025, 'a')}));
              }),
              ::testing::HasSubstr("piece 4 is longer than 1024 bytes"));
  // A message given twice, which protobuf would merge silently.
  EXPECT_THAT(error_of([&] { load(sp::small_model(pieces) + sp::normalizer_spec()); }),
              ::testing::HasSubstr("normalizer_spec is given twice"));
  // Malformed protobuf, and what SentencePiece checks itself.
  EXPECT_THAT(error_of([&] { load(sp::field(1, "\x0a\x7f")); }), ::testing::HasSubstr("malformed protobuf"));
  EXPECT_THAT(error_of([&] { load(sp::piece("a", 0) + sp::trainer_spec() + sp::normalizer_spec()); }),
              ::testing::HasSubstr("unk is not defined"));
  EXPECT_THAT(error_of([&] { load(sp::small_model({"a", "a"})); }), ::testing::HasSubstr("already defined"));
}

}  // namespace
}  // namespace strata
