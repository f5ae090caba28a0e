// A parsed template: statements (text, output, if, for, set, macro, break, continue) over
// expressions. Nodes own their children; the tree is immutable once parsed, and macros defined
// in it point into it while the template renders.
#pragma once

#include "chat_template/value.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace strata::chat_template {

struct Expression;
using ExpressionPtr = std::unique_ptr<Expression>;

struct Arguments {
  std::vector<ExpressionPtr> positional;
  std::vector<std::pair<std::string, ExpressionPtr>> keyword;
};

struct Literal {
  Value value;
};
struct Name {
  std::string name;
};
struct ListLiteral {  // [a, b] and tuples (a, b): both are lists here
  std::vector<ExpressionPtr> items;
};
struct DictLiteral {
  std::vector<std::pair<ExpressionPtr, ExpressionPtr>> items;
};
struct Attribute {  // object.name
  ExpressionPtr object;
  std::string name;
};
struct Subscript {  // object[index]
  ExpressionPtr object;
  ExpressionPtr index;
};
struct Slice {  // object[start:stop:step], each part optional
  ExpressionPtr object;
  ExpressionPtr start, stop, step;
};
struct Call {
  ExpressionPtr callee;
  Arguments arguments;
};
struct FilterCall {  // operand | name(arguments)
  ExpressionPtr operand;
  std::string name;
  Arguments arguments;
};
struct TestCall {  // operand is [not] name(arguments)
  ExpressionPtr operand;
  std::string name;
  Arguments arguments;
  bool negated = false;
};
struct Unary {  // not, -, +
  std::string op;
  ExpressionPtr operand;
};
struct Binary {  // and, or, + - * / // % ** ~
  std::string op;
  ExpressionPtr left, right;
};
struct Comparison {  // first op1 x1 op2 x2 ...: Python's chained comparisons, `in` and `not in`
  ExpressionPtr first;
  std::vector<std::pair<std::string, ExpressionPtr>> rest;
};
struct Conditional {  // then if condition else otherwise (otherwise may be absent: undefined)
  ExpressionPtr condition, then, otherwise;
};

struct Expression {
  std::variant<Literal, Name, ListLiteral, DictLiteral, Attribute, Subscript, Slice, Call, FilterCall, TestCall, Unary,
               Binary, Comparison, Conditional>
      node;
  std::size_t line = 0;
  std::size_t depth = 1;  // of the tree below it: evaluating recurses this deep
};

struct Statement;
using StatementPtr = std::unique_ptr<Statement>;
using Body = std::vector<StatementPtr>;

struct TextStatement {
  std::string text;
};
struct OutputStatement {
  ExpressionPtr expression;
};
struct IfStatement {
  std::vector<std::pair<ExpressionPtr, Body>> branches;  // if and each elif
  Body otherwise;
};
struct ForStatement {
  std::vector<std::string> targets;  // one name, or several unpacked from each item
  ExpressionPtr iterable;
  ExpressionPtr condition;  // {% for x in xs if condition %}: may be null
  Body body;
  Body otherwise;  // when no item passed
};
struct SetStatement {
  std::vector<std::string> targets;  // one name, or several unpacked
  std::string attribute;             // {% set ns.attribute = ... %}: targets holds ns
  ExpressionPtr value;               // null for {% set x %}...{% endset %}
  Body body;
};
struct MacroStatement {
  std::string name;
  std::vector<std::pair<std::string, ExpressionPtr>> parameters;  // default may be null
  Body body;
};
struct BreakStatement {};
struct ContinueStatement {};

struct Statement {
  std::variant<TextStatement, OutputStatement, IfStatement, ForStatement, SetStatement, MacroStatement, BreakStatement,
               ContinueStatement>
      node;
  std::size_t line = 0;
};

}  // namespace strata::chat_template
