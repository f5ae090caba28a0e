// Template source to tokens: text between tags, and the names, literals and operators inside
// {{ }} and {% %}, with Jinja's whitespace control as transformers configures it (trim_blocks,
// lstrip_blocks, `-` on either side of a tag, one trailing newline dropped).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strata::chat_template {

enum class TokenKind {
  text,
  expression_begin,
  expression_end,
  block_begin,
  block_end,
  name,
  string,
  integer,
  floating,
  symbol,
  end
};

struct Token {
  TokenKind kind;
  std::string text;  // text: the text as output; string: the value, escapes resolved
  std::size_t line;
};

// Throws Error(invalid_argument) with the line for an unclosed tag, string or comment, or a
// character that starts no token.
std::vector<Token> tokenize_template(std::string_view source);

}  // namespace strata::chat_template
