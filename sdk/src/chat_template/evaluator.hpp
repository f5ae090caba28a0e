// Renders a parsed template against a context of values, within limits.hpp: every statement and
// expression counts a step, every byte of text or list slot made counts against the allocation
// budget, and macro calls are bounded in depth.
#pragma once

#include "chat_template/ast.hpp"
#include "chat_template/value.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace strata::chat_template {

// The arguments of a call, evaluated, with the helpers builtins use to read them.
struct CallArguments {
  std::string function;  // for error messages
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;

  // The argument at `index` or named `name`, or undefined when it was not given.
  Value get(std::size_t index, std::string_view name) const;
  // Throws unless at most `count` positional arguments and only keywords among `names` came.
  void check(std::size_t count, std::initializer_list<std::string_view> names) const;
};

class Evaluator {
 public:
  using Scope = std::map<std::string, Value, std::less<>>;

  explicit Evaluator(Scope globals);

  std::string render(const Body& body);

  // For builtins: errors with the line being evaluated, and the budgets.
  [[noreturn]] void fail(const std::string& what) const;
  void charge(std::uint64_t bytes);  // memory about to be made
  void step();
  Value call(const Value& callee, CallArguments& arguments);

 private:
  enum class Flow { normal, break_loop, continue_loop };
  friend class ExpressionVisitor;

  Flow execute(const Body& body, std::string& out);
  Flow execute(const Statement& statement, std::string& out);
  void execute_for(const ForStatement& statement, std::string& out);
  void execute_set(const SetStatement& statement);
  void define_macro(const MacroStatement& statement);
  void append(std::string& out, std::string_view text);

  Value evaluate(const Expression& expression);
  Value lookup(const std::string& name) const;
  void assign(const std::string& name, Value value);
  CallArguments evaluate_arguments(std::string_view function, const Arguments& arguments);

  std::vector<Scope*> scopes_;  // innermost last; scopes_[0] the globals
  Scope globals_;
  std::size_t line_ = 0;
  std::uint64_t steps_ = 0;
  std::uint64_t allocated_ = 0;
  std::size_t call_depth_ = 0;
};

// Builtins (builtins.cpp).
Value apply_filter(Evaluator& evaluator, const std::string& name, const Value& operand, CallArguments& arguments);
bool apply_test(Evaluator& evaluator, const std::string& name, const Value& operand, const CallArguments& arguments);
// value.name: a dict's item or a method of a str, list or dict (bound to the value).
Value attribute(Evaluator& evaluator, const Value& object, const std::string& name);
// The functions every template sees: raise_exception, namespace, range, dict, strftime_now.
void add_global_functions(Evaluator::Scope& globals);
// Python's indexing and iteration, shared by the evaluator and the filters.
Value item(Evaluator& evaluator, const Value& object, const Value& index);
List iterate(Evaluator& evaluator, const Value& value);
std::size_t code_point_count(std::string_view text);

}  // namespace strata::chat_template
