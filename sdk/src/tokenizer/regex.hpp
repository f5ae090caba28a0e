// Unicode regular expressions of tokenizer.json (Split patterns, Replace patterns, the GPT-2
// pattern of ByteLevel), compiled once by PCRE2 with UTF and Unicode properties, JIT-compiled
// when the machine allows it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace strata::tokenization {

struct MatchRange {
  std::size_t begin;
  std::size_t end;
};

class Regex {
 public:
  // Throws Error(invalid_argument) with PCRE2's reason and where in the pattern.
  explicit Regex(std::string_view pattern);

  // The matches in `text` (valid UTF-8) from left to right, none overlapping. After an empty
  // match the search goes on one character later, and an empty match right where the previous
  // match ended is not one. A pattern that backtracks past PCRE2's match limit on this text
  // throws Error(invalid_argument) rather than running for ever.
  std::vector<MatchRange> find_all(std::string_view text) const;

  const std::string& pattern() const { return pattern_; }

 private:
  struct Compiled;
  std::string pattern_;
  std::shared_ptr<const Compiled> compiled_;
};

}  // namespace strata::tokenization
