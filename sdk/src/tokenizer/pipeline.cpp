#include "pipeline.hpp"

#include "utf8.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

namespace strata::tokenization {

std::vector<std::int32_t> Pipeline::encode(std::string_view text, bool add_special_tokens) const {
  if (!is_valid_utf8(text)) throw Error(StatusCode::invalid_argument, "tokenizer: the text to encode is not UTF-8");
  std::vector<std::int32_t> ids;
  ids.reserve(text.size() / 3 + 4);
  std::vector<Piece> pieces;
  for (Segment& segment : added->split(text, normalizer.get())) {
    if (segment.token_id >= 0) {
      ids.push_back(segment.token_id);
      continue;
    }
    pieces.clear();
    pieces.push_back({std::move(segment.text), segment.starts_text});
    if (pre_tokenizer) pre_tokenizer->pre_tokenize(pieces);
    for (const Piece& piece : pieces) model->tokenize(piece.text, ids);
  }
  if (add_special_tokens && post_processor) post_processor->add_special_tokens(ids);
  return ids;
}

std::string Pipeline::decode(std::span<const std::int32_t> ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (std::int32_t id : ids) {
    const std::string* token = id_to_token(id);
    if (token == nullptr) {
      throw Error(StatusCode::invalid_argument, fmt::format("tokenizer: no token has the id {}", id));
    }
    if (skip_special_tokens && added->is_special_content(*token)) continue;
    tokens.push_back(*token);
  }
  if (!decoder) {
    std::string joined;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (i > 0) joined += ' ';
      joined += tokens[i];
    }
    return joined;
  }
  decoder->decode_chain(tokens);
  std::string text;
  for (const std::string& token : tokens) text += token;
  return text;
}

std::optional<std::int32_t> Pipeline::token_to_id(std::string_view token) const {
  if (const auto id = added->find(token)) return id;
  return model->token_to_id(token);
}

const std::string* Pipeline::id_to_token(std::int32_t id) const {
  if (const AddedToken* token = added->token(id)) return &token->content;
  return model->id_to_token(id);
}

}  // namespace strata::tokenization
