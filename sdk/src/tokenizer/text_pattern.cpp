#include "text_pattern.hpp"

#include "text_splitting.hpp"

namespace strata::tokenization {

TextPattern TextPattern::from_json(const JsonNode& node) {
  const std::optional<JsonNode> literal_text = node.find("String");
  const std::optional<JsonNode> regex_text = node.find("Regex");
  if (literal_text.has_value() == regex_text.has_value()) node.fail("needs exactly one of \"String\" and \"Regex\"");
  if (literal_text) return literal(literal_text->as_string());
  return regex(regex_text->as_string());
}

TextPattern TextPattern::regex(std::string_view pattern) {
  TextPattern compiled;
  compiled.regex_.emplace(pattern);
  return compiled;
}

TextPattern TextPattern::literal(std::string text) {
  TextPattern pattern;
  pattern.literal_ = std::move(text);
  return pattern;
}

std::vector<MatchRange> TextPattern::find_all(std::string_view text) const {
  return regex_ ? regex_->find_all(text) : find_literal(text, literal_);
}

std::string TextPattern::replace_all(std::string_view text, std::string_view replacement) const {
  std::string out;
  out.reserve(text.size());
  std::size_t previous = 0;
  for (const MatchRange& match : find_all(text)) {
    out.append(text.substr(previous, match.begin - previous));
    out.append(replacement);
    previous = match.end;
  }
  out.append(text.substr(previous));
  return out;
}

}  // namespace strata::tokenization
