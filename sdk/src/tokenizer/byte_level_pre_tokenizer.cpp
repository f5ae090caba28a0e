// ByteLevel: optionally a space in front of each piece and GPT-2's split into words, then every
// byte replaced by its symbol of the byte-level alphabet.
#include "byte_level_alphabet.hpp"
#include "pre_tokenizer.hpp"

#include <optional>

namespace strata::tokenization {
namespace {

// GPT-2's pattern, used when the file asks for "use_regex" (Llama 3 and Qwen split with their own
// pattern in a Split before a ByteLevel without it).
constexpr std::string_view gpt2_pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPreTokenizer final : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space) {
    if (use_regex) words_.emplace(gpt2_pattern);
  }

  void pre_tokenize(std::vector<Piece>& pieces) const override {
    if (add_prefix_space_) {
      for (Piece& piece : pieces) {
        if (piece.text.empty() || piece.text.front() != ' ') piece.text.insert(0, 1, ' ');
      }
    }
    if (words_) {
      split_pieces(pieces, [&](const std::string& text) {
        return split_spans(mark_matches(text, words_->find_all(text)), SplitBehavior::isolated);
      });
    }
    const ByteLevelAlphabet& alphabet = ByteLevelAlphabet::get();
    std::string mapped;
    for (Piece& piece : pieces) {
      mapped.clear();
      alphabet.encode(piece.text, mapped);
      piece.text.swap(mapped);
    }
  }

 private:
  bool add_prefix_space_;
  std::optional<Regex> words_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_byte_level_pre_tokenizer(const JsonNode& node) {
  return std::make_unique<ByteLevelPreTokenizer>(node.bool_or("add_prefix_space", true),
                                                 node.bool_or("use_regex", true));
}

}  // namespace strata::tokenization
