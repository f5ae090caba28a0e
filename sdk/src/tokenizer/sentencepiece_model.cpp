// SentencePieceModel: what reaches the library is checked first (it trusts its input), and every
// failure it reports, as a status or as an exception, becomes Error(invalid_argument).
#include "sentencepiece.hpp"

#include "sentencepiece_model_check.hpp"
#include "utf8.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>
#include <sentencepiece_processor.h>

#include <exception>
#include <new>

namespace strata::tokenization {
namespace {

// Runs one call into SentencePiece; `call` returns its status.
template <typename Call>
void call_sentencepiece(std::string_view doing, Call&& call) {
  sentencepiece::util::Status status;
  try {
    status = call();
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& exception) {  // darts-clone, inside it, throws on keys it cannot take
    throw Error(StatusCode::invalid_argument, fmt::format("SentencePiece {}: {}", doing, exception.what()));
  }
  if (!status.ok()) {
    throw Error(StatusCode::invalid_argument, fmt::format("SentencePiece {}: {}", doing, status.ToString()));
  }
}

std::optional<std::int32_t> id_if_defined(int id) {
  if (id < 0) return std::nullopt;
  return id;
}

}  // namespace

SentencePieceModel::SentencePieceModel(std::string_view model_bytes)
    : processor_(std::make_unique<sentencepiece::SentencePieceProcessor>()) {
  try {
    check_sentencepiece_model(model_bytes);
    call_sentencepiece("cannot load it", [&] { return processor_->LoadFromSerializedProto(model_bytes); });
    // Special tokens are matched in the text as they are written: one that is not UTF-8 could
    // match inside a character.
    for (const AddedToken& token : special_pieces()) {
      if (!is_valid_utf8(token.content))
        throw Error(StatusCode::invalid_argument, fmt::format("its special piece {} is not UTF-8", token.id));
    }
  } catch (const Error& error) {
    throw Error(StatusCode::invalid_argument,
                fmt::format("tokenizer.model: not a SentencePiece model Strata can load ({}); fetch the file again "
                            "from the model's publisher",
                            error.what()));
  }
}

SentencePieceModel::~SentencePieceModel() = default;

void SentencePieceModel::tokenize(std::string_view text, std::vector<std::int32_t>& ids) const {
  if (text.empty()) return;
  std::vector<int> encoded;
  call_sentencepiece("cannot encode a text", [&] { return processor_->Encode(text, &encoded); });
  ids.insert(ids.end(), encoded.begin(), encoded.end());
}

std::optional<std::int32_t> SentencePieceModel::token_to_id(std::string_view token) const {
  const int id = processor_->PieceToId(token);
  if (id < 0 || id >= processor_->GetPieceSize() || processor_->IdToPiece(id) != token) return std::nullopt;
  return id;
}

const std::string* SentencePieceModel::id_to_token(std::int32_t id) const {
  if (id < 0 || id >= processor_->GetPieceSize()) return nullptr;
  return &processor_->IdToPiece(id);  // held by the loaded model, as long as it lives
}

std::size_t SentencePieceModel::vocab_size() const { return static_cast<std::size_t>(processor_->GetPieceSize()); }

std::vector<AddedToken> SentencePieceModel::special_pieces() const {
  std::vector<AddedToken> tokens;
  for (int id = 0; id < processor_->GetPieceSize(); ++id) {
    if (!processor_->IsControl(id) && !processor_->IsUnknown(id)) continue;
    AddedToken token;
    token.id = id;
    token.content = processor_->IdToPiece(id);
    token.special = true;
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::optional<std::int32_t> SentencePieceModel::bos_id() const { return id_if_defined(processor_->bos_id()); }

std::optional<std::int32_t> SentencePieceModel::eos_id() const { return id_if_defined(processor_->eos_id()); }

std::string SentencePieceModel::decode(const std::vector<std::string_view>& pieces) const {
  std::string text;
  call_sentencepiece("cannot decode pieces", [&] { return processor_->Decode(pieces, &text); });
  return text;
}

}  // namespace strata::tokenization
