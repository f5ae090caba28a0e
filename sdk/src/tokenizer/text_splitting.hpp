// Cutting a piece of text where a pattern matches, as Hugging Face's SplitDelimiterBehavior
// says what becomes of the matched parts: kept alone (isolated), dropped (removed), joined to the
// piece before or after, or runs of matches and of non-matches each kept whole (contiguous).
#pragma once

#include "regex.hpp"

#include <functional>
#include <string_view>
#include <vector>

namespace strata::tokenization {

enum class SplitBehavior { removed, isolated, merged_with_previous, merged_with_next, contiguous };

// The text cut into consecutive spans, each marked as a match of the pattern or not.
struct MarkedSpan {
  MatchRange range;
  bool is_match;
};
using MarkedSpans = std::vector<MarkedSpan>;

MarkedSpans mark_matches(std::string_view text, const std::vector<MatchRange>& matches);
// One span per code point for which `is_delimiter` holds; the runs between are unmarked spans.
MarkedSpans mark_characters(std::string_view text, const std::function<bool(char32_t)>& is_delimiter);
// Every match of the literal `needle`, left to right, not overlapping.
std::vector<MatchRange> find_literal(std::string_view text, std::string_view needle);
void invert_marks(MarkedSpans& spans);

// The pieces `behavior` keeps, in order; empty pieces are left out.
std::vector<MatchRange> split_spans(const MarkedSpans& spans, SplitBehavior behavior);

}  // namespace strata::tokenization
