// The pre-tokenizers that only cut: Split (by a pattern, with a behavior for the matches, or
// around what does not match when inverted), Digits, Whitespace and WhitespaceSplit.
#include "pre_tokenizer.hpp"
#include "text_pattern.hpp"
#include "unicode_properties.hpp"

#include <fmt/format.h>

namespace strata::tokenization {
namespace {

SplitBehavior split_behavior(const JsonNode& node) {
  const std::string name = node.as_string();
  if (name == "Removed") return SplitBehavior::removed;
  if (name == "Isolated") return SplitBehavior::isolated;
  if (name == "MergedWithPrevious") return SplitBehavior::merged_with_previous;
  if (name == "MergedWithNext") return SplitBehavior::merged_with_next;
  if (name == "Contiguous") return SplitBehavior::contiguous;
  node.fail(fmt::format("\"{}\" is not Removed, Isolated, MergedWithPrevious, MergedWithNext or Contiguous", name));
}

class PatternSplitPreTokenizer final : public PreTokenizer {
 public:
  PatternSplitPreTokenizer(TextPattern pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}

  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_pieces(pieces, [&](const std::string& text) {
      MarkedSpans spans = mark_matches(text, pattern_.find_all(text));
      if (invert_) invert_marks(spans);
      return split_spans(spans, behavior_);
    });
  }

 private:
  TextPattern pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

class CharacterSplitPreTokenizer final : public PreTokenizer {
 public:
  CharacterSplitPreTokenizer(bool (*is_delimiter)(char32_t), SplitBehavior behavior)
      : is_delimiter_(is_delimiter), behavior_(behavior) {}

  void pre_tokenize(std::vector<Piece>& pieces) const override {
    split_pieces(pieces,
                 [&](const std::string& text) { return split_spans(mark_characters(text, is_delimiter_), behavior_); });
  }

 private:
  bool (*is_delimiter_)(char32_t);
  SplitBehavior behavior_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_split_pre_tokenizer(const JsonNode& node) {
  return std::make_unique<PatternSplitPreTokenizer>(TextPattern::from_json(node.at("pattern")),
                                                    split_behavior(node.at("behavior")), node.bool_or("invert", false));
}

std::unique_ptr<PreTokenizer> make_digits_pre_tokenizer(const JsonNode& node) {
  const bool individual = node.bool_or("individual_digits", false);
  return std::make_unique<CharacterSplitPreTokenizer>(&is_numeric,
                                                      individual ? SplitBehavior::isolated : SplitBehavior::contiguous);
}

std::unique_ptr<PreTokenizer> make_whitespace_pre_tokenizer(bool split_only) {
  if (split_only) return std::make_unique<CharacterSplitPreTokenizer>(&is_whitespace, SplitBehavior::removed);
  // Runs of word characters, and runs of what is neither a word character nor a space; \w as
  // Hugging Face's regex crate means it (letters, marks, decimal digits, connectors, joiners).
  constexpr std::string_view word = R"(\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control})";
  return std::make_unique<PatternSplitPreTokenizer>(TextPattern::regex(fmt::format("[{0}]+|[^{0}\\s]+", word)),
                                                    SplitBehavior::removed, true);
}

}  // namespace strata::tokenization
