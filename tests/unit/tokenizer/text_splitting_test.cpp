// The five ways a split treats what the pattern matched, on Hugging Face's own example, and the
// inversion that Split's "invert" asks for.
#include "tokenizer/text_splitting.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace strata::tokenization {
namespace {

std::vector<std::string> pieces(std::string_view text, SplitBehavior behavior, bool invert = false) {
  MarkedSpans spans = mark_matches(text, find_literal(text, "-"));
  if (invert) invert_marks(spans);
  std::vector<std::string> out;
  for (const MatchRange& range : split_spans(spans, behavior)) {
    out.emplace_back(text.substr(range.begin, range.end - range.begin));
  }
  return out;
}

using Pieces = std::vector<std::string>;

TEST(TextSplitting, EachBehaviorOnTheFinalCountdown) {
  const std::string text = "the-final--countdown";
  EXPECT_EQ(pieces(text, SplitBehavior::removed), (Pieces{"the", "final", "countdown"}));
  EXPECT_EQ(pieces(text, SplitBehavior::isolated), (Pieces{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(pieces(text, SplitBehavior::merged_with_previous), (Pieces{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(pieces(text, SplitBehavior::merged_with_next), (Pieces{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(pieces(text, SplitBehavior::contiguous), (Pieces{"the", "-", "final", "--", "countdown"}));
}

TEST(TextSplitting, MatchesAtTheEdgesAndInversion) {
  EXPECT_EQ(pieces("-a-", SplitBehavior::merged_with_next), (Pieces{"-a", "-"}));
  EXPECT_EQ(pieces("-a-", SplitBehavior::merged_with_previous), (Pieces{"-", "a-"}));
  EXPECT_EQ(pieces("-a-", SplitBehavior::removed, true), (Pieces{"-", "-"}));
  EXPECT_EQ(pieces("", SplitBehavior::isolated), (Pieces{}));
}

TEST(TextSplitting, CharacterDelimitersAreWholeCodePoints) {
  const std::string text = "a\u00e9b\u00e9";
  const MarkedSpans spans = mark_characters(text, [](char32_t c) { return c == 0xE9; });
  std::vector<std::string> out;
  for (const MatchRange& range : split_spans(spans, SplitBehavior::isolated)) {
    out.push_back(text.substr(range.begin, range.end - range.begin));
  }
  EXPECT_EQ(out, (Pieces{"a", "\u00e9", "b", "\u00e9"}));
}

}  // namespace
}  // namespace strata::tokenization
