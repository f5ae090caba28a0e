// Streaming decode, as Hugging Face's DecodeStream does it: decode the ids held so far, and
// return what lies past the text already returned once it no longer ends in U+FFFD (an
// incomplete character). Decoding a few ids again each step keeps decoders that look at
// neighbours (Strip, Metaspace's first "▁") right.
#include "utf8.hpp"

#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <fmt/format.h>

namespace strata {

TokenStreamDecoder::TokenStreamDecoder(const Tokenizer& tokenizer, bool skip_special_tokens)
    : tokenizer_(tokenizer), skip_special_tokens_(skip_special_tokens) {}

std::string TokenStreamDecoder::push(std::int32_t id) {
  if (!tokenizer_.id_to_token(id)) {
    throw Error(StatusCode::invalid_argument, fmt::format("tokenizer: no token has the id {}", id));
  }
  ids_.push_back(id);
  const std::string text = tokenizer_.decode(ids_, skip_special_tokens_);
  const bool incomplete = text.ends_with(tokenization::replacement_character);
  // Past max_pending_ids no character can still complete (one is at most 4 byte tokens): the
  // replacement characters are real, and holding on would only make each step slower.
  const bool held_too_long = ids_.size() - prefix_ids_ >= max_pending_ids;
  if (text.size() > prefix_.size() && (!incomplete || held_too_long)) {
    std::string piece;
    if (text.starts_with(prefix_)) {
      piece = text.substr(prefix_.size());
      // Keep the ids after the previous prefix: the context the next step needs.
      ids_.erase(ids_.begin(), ids_.begin() + static_cast<std::ptrdiff_t>(prefix_ids_));
    } else {
      // A decoder rewrote text already returned, which cannot be taken back: go on from this id.
      ids_.erase(ids_.begin(), ids_.end() - 1);
      piece = tokenizer_.decode(ids_, skip_special_tokens_);
    }
    prefix_ = tokenizer_.decode(ids_, skip_special_tokens_);
    prefix_ids_ = ids_.size();
    return piece;
  }
  if (held_too_long && text == prefix_) {
    // Many ids that added no text (skipped special tokens): drop them, keeping the ids of the
    // prefix as context, so that steps stay cheap.
    ids_.resize(prefix_ids_);
  }
  return {};
}

std::string TokenStreamDecoder::flush() {
  std::string rest;
  if (ids_.size() > prefix_ids_) {
    const std::string text = tokenizer_.decode(ids_, skip_special_tokens_);
    if (text.size() > prefix_.size() && text.starts_with(prefix_)) rest = text.substr(prefix_.size());
  }
  ids_.clear();
  prefix_.clear();
  prefix_ids_ = 0;
  return rest;
}

}  // namespace strata
