// strata::Tokenizer: the public face of a Pipeline, shared (immutable) between its copies.
#include "pipeline.hpp"

#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>

namespace strata {

Tokenizer::Tokenizer(std::shared_ptr<const tokenization::Pipeline> pipeline) : pipeline_(std::move(pipeline)) {}
Tokenizer::~Tokenizer() = default;

Tokenizer Tokenizer::from_file(const std::filesystem::path& path) {
  std::string why;
  const std::optional<std::string> text = safe_io::read_regular_file(path, max_json_bytes, why);
  if (!text) throw Error(StatusCode::invalid_argument, fmt::format("{} {}", path.string(), why));
  try {
    return Tokenizer(tokenization::Pipeline::from_json(*text));
  } catch (const Error& error) {
    throw Error(error.code(), path.string() + ": " + error.what());
  }
}

Tokenizer Tokenizer::from_json(std::string_view json_text) {
  if (json_text.size() > max_json_bytes) {
    throw Error(StatusCode::invalid_argument, "tokenizer.json: larger than Tokenizer::max_json_bytes");
  }
  return Tokenizer(tokenization::Pipeline::from_json(json_text));
}

Tokenizer Tokenizer::from_sentencepiece_file(const std::filesystem::path& path, SentencePieceOptions options) {
  std::string why;
  const std::optional<std::string> bytes = safe_io::read_regular_file(path, max_sentencepiece_bytes, why);
  if (!bytes) throw Error(StatusCode::invalid_argument, fmt::format("{} {}", path.string(), why));
  try {
    return Tokenizer(tokenization::Pipeline::from_sentencepiece(*bytes, options));
  } catch (const Error& error) {
    throw Error(error.code(), path.string() + ": " + error.what());
  }
}

Tokenizer Tokenizer::from_sentencepiece(std::string_view model_bytes, SentencePieceOptions options) {
  if (model_bytes.size() > max_sentencepiece_bytes) {
    throw Error(StatusCode::invalid_argument, "tokenizer.model: larger than Tokenizer::max_sentencepiece_bytes");
  }
  return Tokenizer(tokenization::Pipeline::from_sentencepiece(model_bytes, options));
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view text, bool add_special_tokens) const {
  return pipeline_->encode(text, add_special_tokens);
}

std::string Tokenizer::decode(std::span<const std::int32_t> ids, bool skip_special_tokens) const {
  return pipeline_->decode(ids, skip_special_tokens);
}

TokenStreamDecoder Tokenizer::stream_decoder(bool skip_special_tokens) const {
  return TokenStreamDecoder(*this, skip_special_tokens);
}

std::optional<std::int32_t> Tokenizer::token_to_id(std::string_view token) const {
  return pipeline_->token_to_id(token);
}

std::optional<std::string> Tokenizer::id_to_token(std::int32_t id) const {
  const std::string* token = pipeline_->id_to_token(id);
  if (token == nullptr) return std::nullopt;
  return *token;
}

std::size_t Tokenizer::vocab_size() const { return pipeline_->vocab_size; }

const std::vector<AddedToken>& Tokenizer::added_tokens() const { return pipeline_->added->tokens(); }

std::vector<AddedToken> Tokenizer::special_tokens() const {
  std::vector<AddedToken> special;
  for (const AddedToken& token : added_tokens()) {
    if (token.special) special.push_back(token);
  }
  return special;
}

bool Tokenizer::is_special(std::int32_t id) const {
  const AddedToken* token = pipeline_->added->token(id);
  return token != nullptr && token->special;
}

}  // namespace strata
