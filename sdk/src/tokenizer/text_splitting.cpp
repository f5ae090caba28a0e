#include "text_splitting.hpp"

#include "utf8.hpp"

#include <algorithm>

namespace strata::tokenization {

MarkedSpans mark_matches(std::string_view text, const std::vector<MatchRange>& matches) {
  MarkedSpans spans;
  spans.reserve(matches.size() * 2 + 1);
  std::size_t previous = 0;
  for (const MatchRange& match : matches) {
    if (previous != match.begin) spans.push_back({{previous, match.begin}, false});
    spans.push_back({match, true});
    previous = match.end;
  }
  if (previous != text.size()) spans.push_back({{previous, text.size()}, false});
  return spans;
}

MarkedSpans mark_characters(std::string_view text, const std::function<bool(char32_t)>& is_delimiter) {
  MarkedSpans spans;
  std::size_t run_start = 0;
  for (std::size_t position = 0; position < text.size();) {
    const CodePoint c = code_point_at(text, position);
    if (is_delimiter(c.value)) {
      if (run_start < position) spans.push_back({{run_start, position}, false});
      spans.push_back({{position, position + c.length}, true});
      run_start = position + c.length;
    }
    position += c.length;
  }
  if (run_start < text.size()) spans.push_back({{run_start, text.size()}, false});
  return spans;
}

std::vector<MatchRange> find_literal(std::string_view text, std::string_view needle) {
  std::vector<MatchRange> matches;
  if (needle.empty()) return matches;
  for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + needle.size())) {
    matches.push_back({at, at + needle.size()});
  }
  return matches;
}

void invert_marks(MarkedSpans& spans) {
  for (MarkedSpan& span : spans) span.is_match = !span.is_match;
}

std::vector<MatchRange> split_spans(const MarkedSpans& spans, SplitBehavior behavior) {
  std::vector<MatchRange> pieces;
  pieces.reserve(spans.size());
  switch (behavior) {
    case SplitBehavior::isolated:
      for (const MarkedSpan& span : spans) pieces.push_back(span.range);
      break;
    case SplitBehavior::removed:
      for (const MarkedSpan& span : spans) {
        if (!span.is_match) pieces.push_back(span.range);
      }
      break;
    case SplitBehavior::contiguous: {
      bool previous_match = false;
      for (const MarkedSpan& span : spans) {
        if (!pieces.empty() && span.is_match == previous_match) {
          pieces.back().end = span.range.end;
        } else {
          pieces.push_back(span.range);
        }
        previous_match = span.is_match;
      }
      break;
    }
    case SplitBehavior::merged_with_previous: {
      bool previous_match = false;
      for (const MarkedSpan& span : spans) {
        if (!pieces.empty() && span.is_match && !previous_match) {
          pieces.back().end = span.range.end;
        } else {
          pieces.push_back(span.range);
        }
        previous_match = span.is_match;
      }
      break;
    }
    case SplitBehavior::merged_with_next: {
      // A match starts the piece after it: walk from the end, growing the piece to the left.
      bool next_match = false;
      for (auto span = spans.rbegin(); span != spans.rend(); ++span) {
        if (!pieces.empty() && span->is_match && !next_match) {
          pieces.back().begin = span->range.begin;
        } else {
          pieces.push_back(span->range);
        }
        next_match = span->is_match;
      }
      std::reverse(pieces.begin(), pieces.end());
      break;
    }
  }
  std::erase_if(pieces, [](const MatchRange& piece) { return piece.begin == piece.end; });
  return pieces;
}

}  // namespace strata::tokenization
