// The added tokens of tokenizer.json, found in the text before anything else runs: first those
// matched in the raw text, then, in the normalized text between them, those marked "normalized".
// Where several start at one place the longest wins (leftmost-longest, as Hugging Face matches).
#pragma once

#include "model.hpp"
#include "normalizer.hpp"
#include "vocabulary.hpp"

#include <strata/tokenizer.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::tokenization {

// A byte trie of token texts, walked from each position of the text; the walk never goes deeper
// than the longest token (at most max_added_token_bytes), so matching is linear in the text.
class TokenTrie {
 public:
  void insert(std::string_view text, std::int32_t token_index);
  // The longest token starting at `position`: its index and length.
  std::optional<std::pair<std::int32_t, std::size_t>> longest_at(std::string_view text, std::size_t position) const;
  bool can_start(unsigned char byte) const { return first_bytes_[byte]; }

 private:
  struct Node {
    std::int32_t token_index = -1;
    std::vector<std::pair<unsigned char, std::int32_t>> children;  // sorted by byte
  };
  std::vector<Node> nodes_{Node{}};
  std::array<bool, 256> first_bytes_{};
};

// A stretch of the text: an added token, or text for the model.
struct Segment {
  std::string text;
  std::int32_t token_id = -1;  // -1: not an added token
  bool starts_text = false;    // begins where the input begins
};

class AddedVocabulary {
 public:
  // Ids follow Hugging Face: a token already in the model's vocabulary keeps its id there, the
  // others are numbered from the model's vocabulary size in the file's order (the "id" fields
  // are only checked by Hugging Face, which warns; Strata takes its numbering too).
  // `normalizer` (may be null) normalizes the tokens marked "normalized" before they are matched.
  AddedVocabulary(const std::vector<AddedToken>& tokens, const Model& model, const Normalizer* normalizer);

  // The text cut into segments, normalized (with `normalizer`) where no added token matched.
  std::vector<Segment> split(std::string_view text, const Normalizer* normalizer) const;

  const std::vector<AddedToken>& tokens() const { return tokens_; }
  std::optional<std::int32_t> find(std::string_view content) const;
  const AddedToken* token(std::int32_t id) const;
  bool is_special_content(std::string_view content) const;

 private:
  struct TokenMatch {
    std::size_t begin, end;
    std::int32_t id;
  };
  // The tokens of `trie` in `text`, with their lstrip, rstrip and single_word rules applied.
  std::vector<TokenMatch> find_tokens(std::string_view text, const TokenTrie& trie) const;

  std::vector<AddedToken> tokens_;  // with the ids they really have
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> ids_by_content_;
  std::unordered_map<std::int32_t, std::size_t> index_by_id_;
  std::unordered_map<std::string, bool, StringHash, std::equal_to<>> special_contents_;
  std::vector<std::int32_t> trie_ids_;  // trie token index -> id
  TokenTrie raw_trie_;
  TokenTrie normalized_trie_;
};

}  // namespace strata::tokenization
