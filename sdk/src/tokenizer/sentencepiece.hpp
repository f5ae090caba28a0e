// The parts of a Pipeline for a SentencePiece tokenizer.model, built on Google's SentencePiece
// library: the model, which encodes each stretch of text between special tokens as SentencePiece
// encodes a whole text (its normalization, spaces as "▁", BPE or unigram, byte fallback), and the
// decoder, which gives SentencePiece's text of the pieces between special tokens.
#pragma once

#include "decoder.hpp"
#include "model.hpp"

#include <strata/tokenizer.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace strata::tokenization {

class SentencePieceModel final : public Model {
 public:
  // `model_bytes` checked (check_sentencepiece_model), then loaded. Throws Error(invalid_argument)
  // saying what is wrong and what to do.
  explicit SentencePieceModel(std::string_view model_bytes);
  ~SentencePieceModel() override;

  void tokenize(std::string_view text, std::vector<std::int32_t>& ids) const override;
  // A text that is no piece has no id (SentencePiece itself answers the unknown piece's).
  std::optional<std::int32_t> token_to_id(std::string_view token) const override;
  const std::string* id_to_token(std::int32_t id) const override;
  std::size_t vocab_size() const override;

  // The unknown and control pieces (<unk>, <s>, </s>): SentencePiece never makes them from text,
  // transformers' LlamaTokenizer matches them in text as special tokens.
  std::vector<AddedToken> special_pieces() const;
  std::optional<std::int32_t> bos_id() const;
  std::optional<std::int32_t> eos_id() const;

  // SentencePiece's text of `pieces`: "▁" as spaces, byte pieces as UTF-8 (U+FFFD for each byte
  // that is not), and the space that encoding put before the first word dropped.
  std::string decode(const std::vector<std::string_view>& pieces) const;

 private:
  std::unique_ptr<sentencepiece::SentencePieceProcessor> processor_;
};

// Token texts back to text: the tokens named in `special_texts` as they are written, and the
// pieces between them through model.decode. `model` must outlive the decoder.
std::unique_ptr<Decoder> make_sentencepiece_decoder(const SentencePieceModel& model,
                                                    std::vector<std::string> special_texts);

}  // namespace strata::tokenization
