// Text to token ids and back, from a Hugging Face tokenizer.json: BPE models, byte-level
// (GPT-2, Llama 3, Qwen) or with byte fallback and "▁" spaces (Llama 2, Mistral), with their
// normalizers, pre-tokenizers, added tokens, post-processors and decoders. The ids are those
// Hugging Face's own tokenizers library gives for the same file and text. Or from a SentencePiece
// tokenizer.model (a model folder without tokenizer.json), through Google's SentencePiece.
#pragma once

#include <strata/export.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

namespace tokenization {
struct Pipeline;
}

// A token of tokenizer.json's "added_tokens": matched in the text before the model runs.
struct STRATA_API AddedToken {
  std::int32_t id = 0;
  std::string content;
  bool special = false;      // dropped by decode(..., skip_special_tokens = true)
  bool normalized = false;   // matched in the normalized text rather than the raw text
  bool lstrip = false;       // takes the whitespace on its left
  bool rstrip = false;       // takes the whitespace on its right
  bool single_word = false;  // matched only where no word character touches it
};

// What encode(text, add_special_tokens = true) adds with a SentencePiece tokenizer.model, as
// transformers' LlamaTokenizer does: tokenizer_config.json's "add_bos_token" and "add_eos_token".
struct STRATA_API SentencePieceOptions {
  bool add_bos = true;   // BOS first (when the model has one)
  bool add_eos = false;  // EOS last (when the model has one)
};

class TokenStreamDecoder;

// Immutable once built: every member is safe to call from several threads at once.
class STRATA_API Tokenizer {
 public:
  // A bigger tokenizer.json is refused before it is parsed (the largest published ones are about
  // 35 MB; parsing takes several times the file's size in memory).
  static constexpr std::uint64_t max_json_bytes = 64ull << 20;

  // Throws Error(invalid_argument) naming what is wrong: unreadable or oversized file, invalid
  // JSON, a missing field, or a component type Strata does not implement (named, never ignored).
  static Tokenizer from_file(const std::filesystem::path& path);
  static Tokenizer from_json(std::string_view json_text);

  // A bigger tokenizer.model is refused before it is read (the largest published ones, of 256,000
  // pieces, are about 4 MB).
  static constexpr std::uint64_t max_sentencepiece_bytes = 64ull << 20;

  // A SentencePiece tokenizer.model, through Google's SentencePiece library, as transformers'
  // LlamaTokenizer reads it (legacy = true, its default): the model's unknown and control pieces
  // (<unk>, <s>, </s>) are special tokens matched in the text, and the text between them gets
  // SentencePiece's own ids. Throws Error(invalid_argument) naming the file and what is wrong:
  // unreadable, larger than max_sentencepiece_bytes, or not a model SentencePiece loads safely.
  static Tokenizer from_sentencepiece_file(const std::filesystem::path& path, SentencePieceOptions options = {});
  static Tokenizer from_sentencepiece(std::string_view model_bytes, SentencePieceOptions options = {});

  // A Hugging Face model folder's tokenizer: its tokenizer.json, else its tokenizer.model with
  // "add_bos_token" and "add_eos_token" from its tokenizer_config.json; nullopt when it has
  // neither file. A file that is there but broken throws, as above.
  static std::optional<Tokenizer> from_model_dir(const std::filesystem::path& dir);

  // The ids of `text` (which must be valid UTF-8, else Error(invalid_argument)). Added tokens
  // written in the text are matched either way; add_special_tokens adds what the post-processor
  // adds (BOS for Llama 2 and Mistral, nothing for Qwen). Hugging Face's Python default is true:
  // say which you mean.
  std::vector<std::int32_t> encode(std::string_view text, bool add_special_tokens) const;

  // The text of `ids`; an id outside the vocabulary throws Error(invalid_argument). Bytes that do
  // not form valid UTF-8 come out as U+FFFD, as Hugging Face's decode gives them.
  std::string decode(std::span<const std::int32_t> ids, bool skip_special_tokens = false) const;

  // For text generated one token at a time: see TokenStreamDecoder.
  TokenStreamDecoder stream_decoder(bool skip_special_tokens = false) const;

  std::optional<std::int32_t> token_to_id(std::string_view token) const;
  std::optional<std::string> id_to_token(std::int32_t id) const;
  // How many distinct tokens the model's vocabulary and the added tokens hold together (Hugging
  // Face's get_vocab_size(with_added_tokens=True)).
  std::size_t vocab_size() const;
  const std::vector<AddedToken>& added_tokens() const;
  std::vector<AddedToken> special_tokens() const;
  bool is_special(std::int32_t id) const;

  Tokenizer(const Tokenizer&) = default;
  Tokenizer& operator=(const Tokenizer&) = default;
  Tokenizer(Tokenizer&&) noexcept = default;
  Tokenizer& operator=(Tokenizer&&) noexcept = default;
  ~Tokenizer();

 private:
  explicit Tokenizer(std::shared_ptr<const tokenization::Pipeline> pipeline);
  std::shared_ptr<const tokenization::Pipeline> pipeline_;
};

// Turns ids into text as they arrive: each push returns the text that the new id completes, and
// never a piece of a UTF-8 character (a character spread over byte tokens comes out whole once
// its last byte arrives). The pieces joined are the decode of all ids, except where a decoder
// strips or joins across tokens (then the pieces follow what decode of the ids so far gives).
class STRATA_API TokenStreamDecoder {
 public:
  explicit TokenStreamDecoder(const Tokenizer& tokenizer, bool skip_special_tokens = false);

  // The new text; empty while the ids so far end inside a character. Throws like decode.
  std::string push(std::int32_t id);
  // What is still held back (an incomplete character, as U+FFFD); the stream starts over.
  std::string flush();

 private:
  // Held back ids are kept at most this many, so a stream of invalid bytes cannot grow them.
  static constexpr std::size_t max_pending_ids = 16;

  Tokenizer tokenizer_;
  bool skip_special_tokens_;
  std::vector<std::int32_t> ids_;  // the ids of prefix_ followed by those not yet returned
  std::string prefix_;             // the decode of ids_[0, prefix_ids_), already returned
  std::size_t prefix_ids_ = 0;
};

}  // namespace strata
