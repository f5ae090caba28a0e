// Tokens to a statement tree, by recursive descent with Jinja's operator precedence. Nesting is
// bounded (limits::max_nesting), so that no template can run the parser out of stack.
#pragma once

#include "chat_template/ast.hpp"
#include "chat_template/lexer.hpp"

#include <vector>

namespace strata::chat_template {

// Throws Error(invalid_argument) naming the line for a syntax error or too deep a nesting.
Body parse_template(const std::vector<Token>& tokens);

}  // namespace strata::chat_template
