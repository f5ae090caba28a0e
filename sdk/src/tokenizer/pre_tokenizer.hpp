// Pre-tokenizers cut the normalized text into the words the model tokenizes one by one, and may
// rewrite them (ByteLevel maps bytes to its alphabet, Metaspace turns spaces into "▁").
#pragma once

#include "json_node.hpp"
#include "text_splitting.hpp"

#include <memory>
#include <string>
#include <vector>

namespace strata::tokenization {

struct Piece {
  std::string text;
  bool starts_text = false;  // begins where the whole input begins (Metaspace's "first" scheme)
};

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void pre_tokenize(std::vector<Piece>& pieces) const = 0;
};

// Throws Error(invalid_argument) for a type Strata does not implement, naming it.
std::unique_ptr<PreTokenizer> make_pre_tokenizer(const JsonNode& node, int depth = 0);

// Replaces each piece by the parts `ranges_of(text)` keeps of it; empty parts are dropped.
template <typename RangesOf>
void split_pieces(std::vector<Piece>& pieces, RangesOf&& ranges_of) {
  std::vector<Piece> split;
  split.reserve(pieces.size() * 2);
  for (Piece& piece : pieces) {
    for (const MatchRange& range : ranges_of(piece.text)) {
      if (range.begin == range.end) continue;
      split.push_back({piece.text.substr(range.begin, range.end - range.begin), piece.starts_text && range.begin == 0});
    }
  }
  pieces = std::move(split);
}

std::unique_ptr<PreTokenizer> make_byte_level_pre_tokenizer(const JsonNode& node);
std::unique_ptr<PreTokenizer> make_metaspace_pre_tokenizer(const JsonNode& node);
std::unique_ptr<PreTokenizer> make_split_pre_tokenizer(const JsonNode& node);
std::unique_ptr<PreTokenizer> make_digits_pre_tokenizer(const JsonNode& node);
std::unique_ptr<PreTokenizer> make_whitespace_pre_tokenizer(bool split_only);

}  // namespace strata::tokenization
