// The parts of one tokenizer.json (or of a SentencePiece tokenizer.model), run in Hugging Face's
// order: added tokens, normalizer, pre-tokenizer, model, post-processor to encode; token texts
// and decoder to decode.
#pragma once

#include "added_vocabulary.hpp"
#include "decoder.hpp"
#include "model.hpp"
#include "normalizer.hpp"
#include "post_processor.hpp"
#include "pre_tokenizer.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::tokenization {

struct Pipeline {
  std::unique_ptr<Normalizer> normalizer;       // may be null
  std::unique_ptr<PreTokenizer> pre_tokenizer;  // may be null
  std::unique_ptr<Model> model;
  std::unique_ptr<PostProcessor> post_processor;  // may be null
  std::unique_ptr<Decoder> decoder;               // may be null: tokens joined with spaces
  std::unique_ptr<AddedVocabulary> added;
  std::size_t vocab_size = 0;  // distinct tokens of the model and the added tokens

  // Throws Error(invalid_argument) naming what is wrong in the file.
  static std::shared_ptr<const Pipeline> from_json(std::string_view json_text);
  static std::shared_ptr<const Pipeline> from_sentencepiece(std::string_view model_bytes,
                                                            const SentencePieceOptions& options);

  std::vector<std::int32_t> encode(std::string_view text, bool add_special_tokens) const;
  std::string decode(std::span<const std::int32_t> ids, bool skip_special_tokens) const;
  std::optional<std::int32_t> token_to_id(std::string_view token) const;
  const std::string* id_to_token(std::int32_t id) const;
};

}  // namespace strata::tokenization
