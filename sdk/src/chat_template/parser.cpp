// Jinja's grammar, from the lowest precedence up: a if b else c; or; and; not; comparisons
// (== != < <= > >= in, not in); + -; ~; * / // %; **; unary - +; then a primary with its
// postfixes (.name, [index], [a:b:c], (arguments)), filters (| name) and tests (is name).
#include "chat_template/parser.hpp"

#include "chat_template/errors.hpp"
#include "chat_template/limits.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <initializer_list>

namespace strata::chat_template {
namespace {

std::size_t depth_of(const ExpressionPtr& expression) { return expression ? expression->depth : 0; }

std::size_t depth_of(const Arguments& arguments) {
  std::size_t depth = 0;
  for (const ExpressionPtr& argument : arguments.positional) depth = std::max(depth, depth_of(argument));
  for (const auto& [name, argument] : arguments.keyword) depth = std::max(depth, depth_of(argument));
  return depth;
}

// The depth of a node's deepest child.
struct ChildDepth {
  std::size_t operator()(const Literal&) const { return 0; }
  std::size_t operator()(const Name&) const { return 0; }
  std::size_t operator()(const ListLiteral& node) const {
    std::size_t depth = 0;
    for (const ExpressionPtr& item : node.items) depth = std::max(depth, depth_of(item));
    return depth;
  }
  std::size_t operator()(const DictLiteral& node) const {
    std::size_t depth = 0;
    for (const auto& [key, value] : node.items) depth = std::max({depth, depth_of(key), depth_of(value)});
    return depth;
  }
  std::size_t operator()(const Attribute& node) const { return depth_of(node.object); }
  std::size_t operator()(const Subscript& node) const { return std::max(depth_of(node.object), depth_of(node.index)); }
  std::size_t operator()(const Slice& node) const {
    return std::max({depth_of(node.object), depth_of(node.start), depth_of(node.stop), depth_of(node.step)});
  }
  std::size_t operator()(const Call& node) const { return std::max(depth_of(node.callee), depth_of(node.arguments)); }
  std::size_t operator()(const FilterCall& node) const {
    return std::max(depth_of(node.operand), depth_of(node.arguments));
  }
  std::size_t operator()(const TestCall& node) const {
    return std::max(depth_of(node.operand), depth_of(node.arguments));
  }
  std::size_t operator()(const Unary& node) const { return depth_of(node.operand); }
  std::size_t operator()(const Binary& node) const { return std::max(depth_of(node.left), depth_of(node.right)); }
  std::size_t operator()(const Comparison& node) const {
    std::size_t depth = depth_of(node.first);
    for (const auto& [op, operand] : node.rest) depth = std::max(depth, depth_of(operand));
    return depth;
  }
  std::size_t operator()(const Conditional& node) const {
    return std::max({depth_of(node.condition), depth_of(node.then), depth_of(node.otherwise)});
  }
};

class Parser {
 public:
  explicit Parser(const std::vector<Token>& tokens) : tokens_(tokens) {}

  Body parse() {
    Body body = parse_body({});
    if (peek().kind != TokenKind::end) fail("unexpected {% " + peek(1).text + " %}");
    return body;
  }

 private:
  // Counts the depth of the recursion it guards.
  class Nesting {
   public:
    explicit Nesting(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > limits::max_nesting)
        parser_.fail(fmt::format("nested more than {} deep", limits::max_nesting));
    }
    ~Nesting() { --parser_.depth_; }
    Nesting(const Nesting&) = delete;
    Nesting& operator=(const Nesting&) = delete;

   private:
    Parser& parser_;
  };

  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t at = std::min(position_ + ahead, tokens_.size() - 1);
    return tokens_[at];
  }
  const Token& next() {
    const Token& token = tokens_[position_];
    if (position_ + 1 < tokens_.size()) ++position_;
    return token;
  }
  [[noreturn]] void fail(const std::string& what) const { throw template_error(peek().line, what); }

  bool is_symbol(std::string_view symbol, std::size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::symbol && peek(ahead).text == symbol;
  }
  bool is_name(std::string_view name, std::size_t ahead = 0) const {
    return peek(ahead).kind == TokenKind::name && peek(ahead).text == name;
  }
  bool accept_symbol(std::string_view symbol) {
    if (!is_symbol(symbol)) return false;
    next();
    return true;
  }
  bool accept_name(std::string_view name) {
    if (!is_name(name)) return false;
    next();
    return true;
  }
  void expect_symbol(std::string_view symbol) {
    if (!accept_symbol(symbol)) fail(fmt::format("expected '{}', found {}", symbol, describe(peek())));
  }
  void expect(TokenKind kind, std::string_view what) {
    if (peek().kind != kind) fail(fmt::format("expected {}, found {}", what, describe(peek())));
    next();
  }
  std::string expect_identifier() {
    if (peek().kind != TokenKind::name) fail(fmt::format("expected a name, found {}", describe(peek())));
    return next().text;
  }
  static std::string describe(const Token& token) {
    switch (token.kind) {
      case TokenKind::text:
        return "text";
      case TokenKind::expression_begin:
        return "'{{'";
      case TokenKind::expression_end:
        return "'}}'";
      case TokenKind::block_begin:
        return "'{%'";
      case TokenKind::block_end:
        return "'%}'";
      case TokenKind::end:
        return "the end of the template";
      default:
        return fmt::format("'{}'", token.text.size() > 40 ? token.text.substr(0, 40) + "..." : token.text);
    }
  }

  template <typename Node>
  ExpressionPtr make(std::size_t line, Node node) {
    auto expression = std::make_unique<Expression>();
    expression->node = std::move(node);
    expression->line = line;
    expression->depth = 1 + std::visit(ChildDepth{}, expression->node);
    if (expression->depth > limits::max_expression_depth)
      throw template_error(line, fmt::format("an expression nested more than {} deep", limits::max_expression_depth));
    return expression;
  }
  template <typename Node>
  StatementPtr make_statement(std::size_t line, Node node) {
    auto statement = std::make_unique<Statement>();
    statement->node = std::move(node);
    statement->line = line;
    return statement;
  }

  // Statements until a {% tag %} named in `ends` (left unread) or the end of the tokens.
  Body parse_body(std::initializer_list<std::string_view> ends) {
    Nesting nesting(*this);
    Body body;
    while (true) {
      const Token& token = peek();
      if (token.kind == TokenKind::end) {
        if (ends.size() != 0) fail(fmt::format("missing {{% {} %}}", *(ends.end() - 1)));
        return body;
      }
      if (token.kind == TokenKind::text) {
        body.push_back(make_statement(token.line, TextStatement{next().text}));
        continue;
      }
      if (token.kind == TokenKind::expression_begin) {
        next();
        ExpressionPtr expression = parse_expression();
        expect(TokenKind::expression_end, "'}}'");
        body.push_back(make_statement(token.line, OutputStatement{std::move(expression)}));
        continue;
      }
      if (token.kind != TokenKind::block_begin) fail(fmt::format("unexpected {}", describe(token)));
      const Token& keyword = peek(1);
      if (keyword.kind != TokenKind::name) fail("a {% must start with a statement name");
      for (std::string_view end : ends)
        if (keyword.text == end) return body;
      next();
      next();
      parse_statement(keyword, body);
    }
  }

  void expect_block_end() { expect(TokenKind::block_end, "'%}'"); }

  // Reads {% name %} that closes a block.
  void expect_end_tag(std::string_view name) {
    expect(TokenKind::block_begin, "'{%'");
    if (!accept_name(name)) fail(fmt::format("expected {{% {} %}}, found {}", name, describe(peek())));
    expect_block_end();
  }

  void parse_statement(const Token& keyword, Body& body) {
    const std::string& name = keyword.text;
    const std::size_t line = keyword.line;
    if (name == "if") {
      body.push_back(make_statement(line, parse_if()));
    } else if (name == "for") {
      body.push_back(make_statement(line, parse_for()));
    } else if (name == "set") {
      body.push_back(make_statement(line, parse_set()));
    } else if (name == "macro") {
      body.push_back(make_statement(line, parse_macro()));
    } else if (name == "break" || name == "continue") {
      expect_block_end();
      if (loops_ == 0) fail(fmt::format("{{% {} %}} outside a loop", name));
      if (name == "break") {
        body.push_back(make_statement(line, BreakStatement{}));
      } else {
        body.push_back(make_statement(line, ContinueStatement{}));
      }
    } else if (name == "generation") {
      // transformers' marker of the assistant's tokens: renders its content as it is.
      expect_block_end();
      Body inner = parse_body({"endgeneration"});
      expect_end_tag("endgeneration");
      for (StatementPtr& statement : inner) body.push_back(std::move(statement));
    } else {
      throw template_error(line, fmt::format("unknown statement {{% {} %}}", name.substr(0, 40)));
    }
  }

  IfStatement parse_if() {
    IfStatement statement;
    ExpressionPtr condition = parse_expression();
    expect_block_end();
    while (true) {
      Body body = parse_body({"elif", "else", "endif"});
      statement.branches.emplace_back(std::move(condition), std::move(body));
      next();  // {%
      const std::string keyword = next().text;
      if (keyword == "elif") {
        condition = parse_expression();
        expect_block_end();
        continue;
      }
      expect_block_end();
      if (keyword == "else") {
        statement.otherwise = parse_body({"endif"});
        expect_end_tag("endif");
      }
      return statement;
    }
  }

  std::vector<std::string> parse_targets() {
    std::vector<std::string> targets;
    const bool parenthesized = accept_symbol("(");
    do {
      targets.push_back(expect_identifier());
    } while (accept_symbol(","));
    if (parenthesized) expect_symbol(")");
    return targets;
  }

  ForStatement parse_for() {
    ForStatement statement;
    statement.targets = parse_targets();
    if (!accept_name("in")) fail(fmt::format("expected 'in' in a for loop, found {}", describe(peek())));
    statement.iterable = parse_or();
    if (accept_name("if")) statement.condition = parse_or();
    expect_block_end();
    ++loops_;
    statement.body = parse_body({"else", "endfor"});
    --loops_;
    next();  // {%
    const std::string keyword = next().text;
    expect_block_end();
    if (keyword == "else") {
      statement.otherwise = parse_body({"endfor"});
      expect_end_tag("endfor");
    }
    return statement;
  }

  SetStatement parse_set() {
    SetStatement statement;
    statement.targets.push_back(expect_identifier());
    if (accept_symbol(".")) {
      statement.attribute = expect_identifier();
    } else {
      while (accept_symbol(",")) statement.targets.push_back(expect_identifier());
    }
    if (accept_symbol("=")) {
      statement.value = parse_tuple();
      expect_block_end();
      return statement;
    }
    if (!statement.attribute.empty() || statement.targets.size() > 1) fail("a {% set %} block sets one name");
    expect_block_end();
    statement.body = parse_body({"endset"});
    expect_end_tag("endset");
    return statement;
  }

  MacroStatement parse_macro() {
    MacroStatement statement;
    statement.name = expect_identifier();
    expect_symbol("(");
    while (!accept_symbol(")")) {
      if (!statement.parameters.empty()) expect_symbol(",");
      std::string parameter = expect_identifier();
      ExpressionPtr fallback;
      if (accept_symbol("=")) fallback = parse_expression();
      statement.parameters.emplace_back(std::move(parameter), std::move(fallback));
    }
    expect_block_end();
    const std::size_t loops = loops_;
    loops_ = 0;  // a break in a macro cannot leave a loop around the call
    statement.body = parse_body({"endmacro"});
    loops_ = loops;
    expect_end_tag("endmacro");
    return statement;
  }

  // a, b, c without brackets (the value of a set): a list; one expression: itself.
  ExpressionPtr parse_tuple() {
    const std::size_t line = peek().line;
    ExpressionPtr first = parse_expression();
    if (!is_symbol(",")) return first;
    ListLiteral tuple;
    tuple.items.push_back(std::move(first));
    while (accept_symbol(",")) tuple.items.push_back(parse_expression());
    return make(line, std::move(tuple));
  }

  ExpressionPtr parse_expression() {
    Nesting nesting(*this);
    const std::size_t line = peek().line;
    ExpressionPtr then = parse_or();
    while (accept_name("if")) {
      Conditional conditional;
      conditional.then = std::move(then);
      conditional.condition = parse_or();
      if (accept_name("else")) conditional.otherwise = parse_expression();
      then = make(line, std::move(conditional));
    }
    return then;
  }

  ExpressionPtr binary(std::size_t line, std::string op, ExpressionPtr left, ExpressionPtr right) {
    return make(line, Binary{std::move(op), std::move(left), std::move(right)});
  }

  ExpressionPtr parse_or() {
    ExpressionPtr left = parse_and();
    while (is_name("or")) {
      const std::size_t line = next().line;
      left = binary(line, "or", std::move(left), parse_and());
    }
    return left;
  }

  ExpressionPtr parse_and() {
    ExpressionPtr left = parse_not();
    while (is_name("and")) {
      const std::size_t line = next().line;
      left = binary(line, "and", std::move(left), parse_not());
    }
    return left;
  }

  ExpressionPtr parse_not() {
    if (is_name("not")) {
      Nesting nesting(*this);
      const std::size_t line = next().line;
      return make(line, Unary{"not", parse_not()});
    }
    return parse_compare();
  }

  ExpressionPtr parse_compare() {
    const std::size_t line = peek().line;
    ExpressionPtr first = parse_math1();
    Comparison comparison;
    while (true) {
      std::string op;
      if (peek().kind == TokenKind::symbol && (peek().text == "==" || peek().text == "!=" || peek().text == "<" ||
                                               peek().text == "<=" || peek().text == ">" || peek().text == ">=")) {
        op = next().text;
      } else if (accept_name("in")) {
        op = "in";
      } else if (is_name("not") && is_name("in", 1)) {
        next();
        next();
        op = "not in";
      } else {
        break;
      }
      comparison.rest.emplace_back(std::move(op), parse_math1());
    }
    if (comparison.rest.empty()) return first;
    comparison.first = std::move(first);
    return make(line, std::move(comparison));
  }

  ExpressionPtr parse_math1() {
    ExpressionPtr left = parse_concat();
    while (is_symbol("+") || is_symbol("-")) {
      const Token& op = next();
      left = binary(op.line, op.text, std::move(left), parse_concat());
    }
    return left;
  }

  ExpressionPtr parse_concat() {
    ExpressionPtr left = parse_math2();
    while (is_symbol("~")) {
      const std::size_t line = next().line;
      left = binary(line, "~", std::move(left), parse_math2());
    }
    return left;
  }

  ExpressionPtr parse_math2() {
    ExpressionPtr left = parse_pow();
    while (is_symbol("*") || is_symbol("/") || is_symbol("//") || is_symbol("%")) {
      const Token& op = next();
      left = binary(op.line, op.text, std::move(left), parse_pow());
    }
    return left;
  }

  ExpressionPtr parse_pow() {
    ExpressionPtr left = parse_unary(true);
    while (is_symbol("**")) {
      const std::size_t line = next().line;
      left = binary(line, "**", std::move(left), parse_unary(true));
    }
    return left;
  }

  ExpressionPtr parse_unary(bool with_filters) {
    Nesting nesting(*this);
    ExpressionPtr node;
    if (is_symbol("-") || is_symbol("+")) {
      const Token& op = next();
      node = make(op.line, Unary{op.text, parse_unary(false)});
    } else {
      node = parse_postfix(parse_primary());
    }
    if (!with_filters) return node;
    return parse_filters(std::move(node));
  }

  ExpressionPtr parse_primary() {
    const Token& token = next();
    switch (token.kind) {
      case TokenKind::name: {
        const std::string& name = token.text;
        if (name == "true" || name == "True") return make(token.line, Literal{Value(true)});
        if (name == "false" || name == "False") return make(token.line, Literal{Value(false)});
        if (name == "none" || name == "None") return make(token.line, Literal{Value::none()});
        return make(token.line, Name{name});
      }
      case TokenKind::string: {
        std::string text = token.text;
        while (peek().kind == TokenKind::string) text += next().text;  // "a" "b" is "ab"
        return make(token.line, Literal{Value(std::move(text))});
      }
      case TokenKind::integer: {
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(token.text.data(), token.text.data() + token.text.size(), value);
        if (error != std::errc() || end != token.text.data() + token.text.size())
          throw template_error(token.line, fmt::format("the integer {} is too large", token.text.substr(0, 40)));
        return make(token.line, Literal{Value(value)});
      }
      case TokenKind::floating:
        return make(token.line, Literal{Value(std::strtod(token.text.c_str(), nullptr))});
      case TokenKind::symbol:
        if (token.text == "(") {
          if (accept_symbol(")")) return make(token.line, ListLiteral{});
          ExpressionPtr first = parse_expression();
          if (accept_symbol(")")) return first;
          ListLiteral tuple;
          tuple.items.push_back(std::move(first));
          while (accept_symbol(",")) {
            if (is_symbol(")")) break;
            tuple.items.push_back(parse_expression());
          }
          expect_symbol(")");
          return make(token.line, std::move(tuple));
        }
        if (token.text == "[") {
          ListLiteral list;
          while (!accept_symbol("]")) {
            if (!list.items.empty()) {
              expect_symbol(",");
              if (accept_symbol("]")) break;
            }
            list.items.push_back(parse_expression());
          }
          return make(token.line, std::move(list));
        }
        if (token.text == "{") {
          DictLiteral dict;
          while (!accept_symbol("}")) {
            if (!dict.items.empty()) {
              expect_symbol(",");
              if (accept_symbol("}")) break;
            }
            ExpressionPtr key = parse_expression();
            expect_symbol(":");
            dict.items.emplace_back(std::move(key), parse_expression());
          }
          return make(token.line, std::move(dict));
        }
        break;
      default:
        break;
    }
    throw template_error(token.line, fmt::format("unexpected {}", describe(token)));
  }

  ExpressionPtr parse_postfix(ExpressionPtr node) {
    while (true) {
      const std::size_t line = peek().line;
      if (accept_symbol(".")) {
        node = make(line, Attribute{std::move(node), expect_identifier()});
      } else if (accept_symbol("[")) {
        node = parse_subscript(line, std::move(node));
      } else if (is_symbol("(")) {
        next();
        node = make(line, Call{std::move(node), parse_arguments()});
      } else {
        return node;
      }
    }
  }

  ExpressionPtr parse_subscript(std::size_t line, ExpressionPtr object) {
    ExpressionPtr start;
    if (!is_symbol(":")) {
      start = parse_expression();
      if (accept_symbol("]")) return make(line, Subscript{std::move(object), std::move(start)});
    }
    Slice slice;
    slice.object = std::move(object);
    slice.start = std::move(start);
    expect_symbol(":");
    if (!is_symbol(":") && !is_symbol("]")) slice.stop = parse_expression();
    if (accept_symbol(":") && !is_symbol("]")) slice.step = parse_expression();
    expect_symbol("]");
    return make(line, std::move(slice));
  }

  // After "(": positional then keyword (name=value) arguments, up to ")".
  Arguments parse_arguments() {
    Arguments arguments;
    while (!accept_symbol(")")) {
      if (!arguments.positional.empty() || !arguments.keyword.empty()) {
        expect_symbol(",");
        if (accept_symbol(")")) break;
      }
      if (peek().kind == TokenKind::name && is_symbol("=", 1)) {
        std::string name = next().text;
        next();
        arguments.keyword.emplace_back(std::move(name), parse_expression());
      } else {
        if (!arguments.keyword.empty()) fail("a positional argument after a keyword argument");
        arguments.positional.push_back(parse_expression());
      }
    }
    return arguments;
  }

  ExpressionPtr parse_filters(ExpressionPtr node) {
    while (true) {
      const std::size_t line = peek().line;
      if (accept_symbol("|")) {
        FilterCall filter{std::move(node), expect_identifier(), {}};
        if (accept_symbol("(")) filter.arguments = parse_arguments();
        node = make(line, std::move(filter));
      } else if (accept_name("is")) {
        TestCall test;
        test.operand = std::move(node);
        test.negated = accept_name("not");
        test.name = expect_identifier();
        if (accept_symbol("(")) {
          test.arguments = parse_arguments();
        } else if (starts_test_argument()) {
          test.arguments.positional.push_back(parse_unary(false));
        }
        node = make(line, std::move(test));
      } else {
        return node;
      }
    }
  }

  // `x is divisibleby 3`, `x is sameas none`: a test may take one argument without brackets.
  bool starts_test_argument() const {
    const Token& token = peek();
    if (token.kind == TokenKind::string || token.kind == TokenKind::integer || token.kind == TokenKind::floating)
      return true;
    if (token.kind != TokenKind::name) return false;
    for (std::string_view word : {"and", "or", "if", "else", "in", "is", "not"})
      if (token.text == word) return false;
    return true;
  }

  const std::vector<Token>& tokens_;
  std::size_t position_ = 0;
  std::size_t depth_ = 0;
  std::size_t loops_ = 0;
};

}  // namespace

Body parse_template(const std::vector<Token>& tokens) { return Parser(tokens).parse(); }

}  // namespace strata::chat_template
