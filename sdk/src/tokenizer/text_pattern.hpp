// The "pattern" of Split, Replace normalizers and Replace decoders: {"String": "..."} matched
// literally or {"Regex": "..."} matched as a Unicode regular expression.
#pragma once

#include "json_node.hpp"
#include "regex.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::tokenization {

class TextPattern {
 public:
  static TextPattern from_json(const JsonNode& node);
  static TextPattern literal(std::string text);
  static TextPattern regex(std::string_view pattern);

  std::vector<MatchRange> find_all(std::string_view text) const;
  // `text` with every match replaced by `replacement`.
  std::string replace_all(std::string_view text, std::string_view replacement) const;

 private:
  std::string literal_;
  std::optional<Regex> regex_;
};

}  // namespace strata::tokenization
