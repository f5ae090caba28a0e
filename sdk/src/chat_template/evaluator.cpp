// Statements and expressions, with Python's semantics for operators, and Jinja's for scopes
// (a for loop's body has its own; a macro sees the globals and its parameters) and undefined
// values (printing one gives nothing; taking an attribute of one is an error).
#include "chat_template/evaluator.hpp"

#include "chat_template/errors.hpp"
#include "chat_template/limits.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <optional>

namespace strata::chat_template {

Value CallArguments::get(std::size_t index, std::string_view name) const {
  if (index < positional.size()) return positional[index];
  for (const auto& [key, value] : keyword)
    if (key == name) return value;
  return Value::undefined(std::string(name));
}

void CallArguments::check(std::size_t count, std::initializer_list<std::string_view> names) const {
  if (positional.size() > count)
    throw Error(StatusCode::invalid_argument,
                fmt::format("{} takes at most {} positional arguments, got {}", function, count, positional.size()));
  for (const auto& [key, value] : keyword) {
    bool known = false;
    for (std::string_view name : names) known = known || key == name;
    if (!known)
      throw Error(StatusCode::invalid_argument, fmt::format("{} takes no argument named '{}'", function, key));
  }
}

Evaluator::Evaluator(Scope globals) : globals_(std::move(globals)) { scopes_.push_back(&globals_); }

void Evaluator::fail(const std::string& what) const { throw template_error(line_, what); }

void Evaluator::charge(std::uint64_t bytes) {
  allocated_ += bytes;
  if (allocated_ > limits::max_allocated_bytes)
    fail(fmt::format("the template made more than {} MiB of text and lists", limits::max_allocated_bytes >> 20));
}

void Evaluator::step() {
  if (++steps_ > limits::max_steps)
    fail(fmt::format("the template ran more than {} steps (a loop without end?)", limits::max_steps));
}

std::string Evaluator::render(const Body& body) {
  std::string out;
  // Errors from builtins and from value limits get the line being run.
  try {
    const Flow flow = execute(body, out);
    (void)flow;  // break and continue outside loops are refused by the parser
  } catch (const Error& error) {
    const std::string_view what = error.what();
    if (what.starts_with("chat template")) throw;
    fail(std::string(what));
  }
  return out;
}

void Evaluator::append(std::string& out, std::string_view text) {
  if (out.size() + text.size() > limits::max_output_bytes)
    fail(fmt::format("the output would exceed {} MiB", limits::max_output_bytes >> 20));
  charge(text.size());
  out.append(text);
}

Evaluator::Flow Evaluator::execute(const Body& body, std::string& out) {
  for (const StatementPtr& statement : body) {
    const Flow flow = execute(*statement, out);
    if (flow != Flow::normal) return flow;
  }
  return Flow::normal;
}

Evaluator::Flow Evaluator::execute(const Statement& statement, std::string& out) {
  step();
  line_ = statement.line;
  if (const auto* text = std::get_if<TextStatement>(&statement.node)) {
    append(out, text->text);
  } else if (const auto* output = std::get_if<OutputStatement>(&statement.node)) {
    const Value value = evaluate(*output->expression);
    append(out, to_text(value));
  } else if (const auto* branch = std::get_if<IfStatement>(&statement.node)) {
    for (const auto& [condition, body] : branch->branches)
      if (evaluate(*condition).truthy()) return execute(body, out);
    return execute(branch->otherwise, out);
  } else if (const auto* loop = std::get_if<ForStatement>(&statement.node)) {
    execute_for(*loop, out);
  } else if (const auto* set = std::get_if<SetStatement>(&statement.node)) {
    execute_set(*set);
  } else if (const auto* macro = std::get_if<MacroStatement>(&statement.node)) {
    define_macro(*macro);
  } else if (std::holds_alternative<BreakStatement>(statement.node)) {
    return Flow::break_loop;
  } else if (std::holds_alternative<ContinueStatement>(statement.node)) {
    return Flow::continue_loop;
  }
  return Flow::normal;
}

namespace {

// Pops the scope it pushed, however the block ends.
class ScopeGuard {
 public:
  ScopeGuard(std::vector<Evaluator::Scope*>& scopes, Evaluator::Scope& scope) : scopes_(scopes) {
    scopes_.push_back(&scope);
  }
  ~ScopeGuard() { scopes_.pop_back(); }
  ScopeGuard(const ScopeGuard&) = delete;
  ScopeGuard& operator=(const ScopeGuard&) = delete;

 private:
  std::vector<Evaluator::Scope*>& scopes_;
};

}  // namespace

void Evaluator::execute_for(const ForStatement& statement, std::string& out) {
  const Value iterable = evaluate(*statement.iterable);
  List items = iterate(*this, iterable);
  Scope scope;
  ScopeGuard guard(scopes_, scope);
  auto bind = [&](const Value& item) {
    if (statement.targets.size() == 1) {
      scope[statement.targets[0]] = item;
      return;
    }
    if (!item.is(Value::Kind::list) || item.as_list().size() != statement.targets.size())
      fail(fmt::format("cannot unpack {} into {} names", item.type_name(), statement.targets.size()));
    for (std::size_t i = 0; i < statement.targets.size(); ++i) scope[statement.targets[i]] = item.as_list()[i];
  };
  if (statement.condition) {
    // The filter runs first: loop.length, loop.last and loop.index count the items that pass.
    List kept;
    for (const Value& item : items) {
      step();
      bind(item);
      if (evaluate(*statement.condition).truthy()) kept.push_back(item);
    }
    items = std::move(kept);
  }
  const auto length = static_cast<std::int64_t>(items.size());
  for (std::int64_t i = 0; i < length; ++i) {
    step();
    const auto index = static_cast<std::size_t>(i);
    bind(items[index]);
    Dict loop;
    loop.set("index", Value(i + 1));
    loop.set("index0", Value(i));
    loop.set("revindex", Value(length - i));
    loop.set("revindex0", Value(length - i - 1));
    loop.set("first", Value(i == 0));
    loop.set("last", Value(i == length - 1));
    loop.set("length", Value(length));
    loop.set("previtem", i > 0 ? items[index - 1] : Value::undefined("loop.previtem"));
    loop.set("nextitem", i + 1 < length ? items[index + 1] : Value::undefined("loop.nextitem"));
    loop.set("cycle",
             Value(Callable{"loop.cycle", [i](Evaluator& evaluator, CallArguments& arguments) {
                              if (arguments.positional.empty()) evaluator.fail("loop.cycle needs arguments");
                              return arguments.positional[static_cast<std::size_t>(i) % arguments.positional.size()];
                            }}));
    charge(sizeof(Value) * 10);
    scope["loop"] = Value(std::move(loop));
    if (execute(statement.body, out) == Flow::break_loop) break;
  }
  if (length == 0) execute(statement.otherwise, out);
}

void Evaluator::execute_set(const SetStatement& statement) {
  Value value;
  if (statement.value) {
    value = evaluate(*statement.value);
  } else {
    std::string captured;
    execute(statement.body, captured);
    value = Value(std::move(captured));
  }
  if (!statement.attribute.empty()) {
    const Value target = lookup(statement.targets[0]);
    if (!target.is_namespace())
      fail(fmt::format("cannot set an attribute of {} '{}': only of a namespace()", target.type_name(),
                       statement.targets[0]));
    if (value.holds_namespace()) fail("a namespace cannot hold a namespace");
    target.namespace_dict().set(statement.attribute, std::move(value));
    return;
  }
  if (statement.targets.size() == 1) {
    assign(statement.targets[0], std::move(value));
    return;
  }
  if (!value.is(Value::Kind::list) || value.as_list().size() != statement.targets.size())
    fail(fmt::format("cannot unpack {} into {} names", value.type_name(), statement.targets.size()));
  for (std::size_t i = 0; i < statement.targets.size(); ++i) assign(statement.targets[i], value.as_list()[i]);
}

void Evaluator::define_macro(const MacroStatement& statement) {
  const MacroStatement* macro = &statement;  // the tree outlives every rendering
  assign(statement.name,
         Value(Callable{statement.name, [macro](Evaluator& evaluator, CallArguments& arguments) {
                          if (++evaluator.call_depth_ > limits::max_call_depth)
                            evaluator.fail(
                                fmt::format("macros call each other more than {} deep", limits::max_call_depth));
                          Scope scope;
                          if (arguments.positional.size() > macro->parameters.size())
                            evaluator.fail(fmt::format("macro {} takes {} arguments, got {}", macro->name,
                                                       macro->parameters.size(), arguments.positional.size()));
                          for (const auto& [key, value] : arguments.keyword) {
                            bool known = false;
                            for (const auto& parameter : macro->parameters) known = known || parameter.first == key;
                            if (!known) evaluator.fail(fmt::format("macro {} has no parameter {}", macro->name, key));
                          }
                          for (std::size_t i = 0; i < macro->parameters.size(); ++i) {
                            const auto& [name, fallback] = macro->parameters[i];
                            Value value = arguments.get(i, name);
                            if (value.is(Value::Kind::undefined) && fallback) value = evaluator.evaluate(*fallback);
                            scope[name] = std::move(value);
                          }
                          // The macro sees the globals and its parameters, not the caller's locals.
                          std::vector<Scope*> saved = std::move(evaluator.scopes_);
                          evaluator.scopes_ = {&evaluator.globals_, &scope};
                          const std::size_t line = evaluator.line_;
                          std::string out;
                          try {
                            evaluator.execute(macro->body, out);
                          } catch (...) {
                            evaluator.scopes_ = std::move(saved);
                            --evaluator.call_depth_;
                            throw;
                          }
                          evaluator.scopes_ = std::move(saved);
                          evaluator.line_ = line;
                          --evaluator.call_depth_;
                          return Value(std::move(out));
                        }}));
}

Value Evaluator::lookup(const std::string& name) const {
  for (auto scope = scopes_.rbegin(); scope != scopes_.rend(); ++scope) {
    const auto found = (*scope)->find(name);
    if (found != (*scope)->end()) return found->second;
  }
  return Value::undefined(name);
}

void Evaluator::assign(const std::string& name, Value value) { (*scopes_.back())[name] = std::move(value); }

Value Evaluator::call(const Value& callee, CallArguments& arguments) {
  if (!callee.is(Value::Kind::callable)) {
    if (callee.is(Value::Kind::undefined)) fail(fmt::format("'{}' is undefined", callee.undefined_name()));
    fail(fmt::format("a {} cannot be called", callee.type_name()));
  }
  return callee.as_callable().call(*this, arguments);
}

CallArguments Evaluator::evaluate_arguments(std::string_view function, const Arguments& arguments) {
  CallArguments values;
  values.function = std::string(function);
  for (const ExpressionPtr& argument : arguments.positional) values.positional.push_back(evaluate(*argument));
  for (const auto& [name, argument] : arguments.keyword) values.keyword.emplace_back(name, evaluate(*argument));
  return values;
}

namespace {

bool checked_integers(const Value& a, const Value& b) {
  return (a.is(Value::Kind::integer) || a.is(Value::Kind::boolean)) &&
         (b.is(Value::Kind::integer) || b.is(Value::Kind::boolean));
}

std::int64_t integer_of(const Value& value) {
  return value.is(Value::Kind::boolean) ? (value.as_bool() ? 1 : 0) : value.as_integer();
}

}  // namespace

class ExpressionVisitor {
 public:
  explicit ExpressionVisitor(Evaluator& evaluator) : e_(evaluator) {}

  Value operator()(const Literal& node) { return node.value; }
  Value operator()(const Name& node) { return e_.lookup(node.name); }

  Value operator()(const ListLiteral& node) {
    List list;
    for (const ExpressionPtr& item : node.items) list.push_back(e_.evaluate(*item));
    e_.charge(sizeof(Value) * list.size());
    return Value(std::move(list));
  }

  Value operator()(const DictLiteral& node) {
    Dict dict;
    for (const auto& [key, value] : node.items) {
      const Value name = e_.evaluate(*key);
      if (!name.is(Value::Kind::string)) e_.fail("dict keys must be strings here");
      dict.set(name.as_string(), e_.evaluate(*value));
    }
    e_.charge(sizeof(Value) * 2 * dict.size());
    return Value(std::move(dict));
  }

  Value operator()(const Attribute& node) { return attribute(e_, e_.evaluate(*node.object), node.name); }
  Value operator()(const Subscript& node) {
    const Value object = e_.evaluate(*node.object);
    return item(e_, object, e_.evaluate(*node.index));
  }

  Value operator()(const Slice& node) {
    const Value object = e_.evaluate(*node.object);
    auto bound = [&](const ExpressionPtr& part) -> std::optional<std::int64_t> {
      if (!part) return std::nullopt;
      const Value value = e_.evaluate(*part);
      if (value.is(Value::Kind::none)) return std::nullopt;
      if (!value.is(Value::Kind::integer)) e_.fail("slice indices must be integers");
      return value.as_integer();
    };
    const std::optional<std::int64_t> start = bound(node.start), stop = bound(node.stop), step = bound(node.step);
    return slice(object, start, stop, step.value_or(1));
  }

  Value operator()(const Call& node) {
    const Value callee = e_.evaluate(*node.callee);
    CallArguments arguments =
        e_.evaluate_arguments(callee.is(Value::Kind::callable) ? callee.as_callable().name : "?", node.arguments);
    return e_.call(callee, arguments);
  }

  Value operator()(const FilterCall& node) {
    const Value operand = e_.evaluate(*node.operand);
    CallArguments arguments = e_.evaluate_arguments(node.name, node.arguments);
    return apply_filter(e_, node.name, operand, arguments);
  }

  Value operator()(const TestCall& node) {
    const Value operand = e_.evaluate(*node.operand);
    const CallArguments arguments = e_.evaluate_arguments(node.name, node.arguments);
    return Value(apply_test(e_, node.name, operand, arguments) != node.negated);
  }

  Value operator()(const Unary& node) {
    const Value operand = e_.evaluate(*node.operand);
    if (node.op == "not") return Value(!operand.truthy());
    if (!operand.is_number()) e_.fail(fmt::format("bad operand type for unary {}: '{}'", node.op, operand.type_name()));
    if (node.op == "+") return operand.is(Value::Kind::boolean) ? Value(integer_of(operand)) : operand;
    if (operand.is(Value::Kind::floating)) return Value(-operand.as_number());
    const std::int64_t value = integer_of(operand);
    if (value == std::numeric_limits<std::int64_t>::min()) e_.fail("integer overflow");
    return Value(-value);
  }

  Value operator()(const Binary& node) {
    const Value left = e_.evaluate(*node.left);
    // and / or give one of their operands, as Python's do, and skip the right when they can.
    if (node.op == "and") return left.truthy() ? e_.evaluate(*node.right) : left;
    if (node.op == "or") return left.truthy() ? left : e_.evaluate(*node.right);
    const Value right = e_.evaluate(*node.right);
    if (node.op == "~") return concatenate(to_text(left), to_text(right));
    return arithmetic(node.op, left, right);
  }

  Value operator()(const Comparison& node) {
    Value left = e_.evaluate(*node.first);
    for (const auto& [op, expression] : node.rest) {
      Value right = e_.evaluate(*expression);
      if (!compare(op, left, right)) return Value(false);
      left = std::move(right);
    }
    return Value(true);
  }

  Value operator()(const Conditional& node) {
    if (e_.evaluate(*node.condition).truthy()) return e_.evaluate(*node.then);
    return node.otherwise ? e_.evaluate(*node.otherwise) : Value::undefined("else");
  }

 private:
  Value concatenate(const std::string& a, const std::string& b) {
    e_.charge(a.size() + b.size());
    if (a.size() + b.size() > limits::max_output_bytes)
      e_.fail(fmt::format("a string would exceed {} MiB", limits::max_output_bytes >> 20));
    return Value(a + b);
  }

  Value repeat(const Value& sequence, std::int64_t times) {
    if (times <= 0) return sequence.is(Value::Kind::string) ? Value(std::string()) : Value(List{});
    const std::uint64_t unit =
        sequence.is(Value::Kind::string) ? sequence.as_string().size() : sequence.as_list().size() * sizeof(Value);
    if (unit != 0 && static_cast<std::uint64_t>(times) > limits::max_output_bytes / unit)
      e_.fail(fmt::format("a repetition would exceed {} MiB", limits::max_output_bytes >> 20));
    e_.charge(unit * static_cast<std::uint64_t>(times));
    if (sequence.is(Value::Kind::string)) {
      std::string out;
      for (std::int64_t i = 0; i < times; ++i) out += sequence.as_string();
      return Value(std::move(out));
    }
    List out;
    for (std::int64_t i = 0; i < times; ++i)
      out.insert(out.end(), sequence.as_list().begin(), sequence.as_list().end());
    return Value(std::move(out));
  }

  Value arithmetic(const std::string& op, const Value& a, const Value& b) {
    using Kind = Value::Kind;
    if (op == "+") {
      if (a.is(Kind::string) && b.is(Kind::string)) return concatenate(a.as_string(), b.as_string());
      if (a.is(Kind::list) && b.is(Kind::list)) {
        e_.charge(sizeof(Value) * (a.as_list().size() + b.as_list().size()));
        List out = a.as_list();
        out.insert(out.end(), b.as_list().begin(), b.as_list().end());
        return Value(std::move(out));
      }
    }
    if (op == "*") {
      if ((a.is(Kind::string) || a.is(Kind::list)) && checked_integers(b, b)) return repeat(a, integer_of(b));
      if ((b.is(Kind::string) || b.is(Kind::list)) && checked_integers(a, a)) return repeat(b, integer_of(a));
    }
    if (!a.is_number() || !b.is_number())
      e_.fail(fmt::format("unsupported operand types for {}: '{}' and '{}'", op, a.type_name(), b.type_name()));
    if (checked_integers(a, b)) {
      const std::int64_t x = integer_of(a), y = integer_of(b);
      std::int64_t result = 0;
      if (op == "+" && !__builtin_add_overflow(x, y, &result)) return Value(result);
      if (op == "-" && !__builtin_sub_overflow(x, y, &result)) return Value(result);
      if (op == "*" && !__builtin_mul_overflow(x, y, &result)) return Value(result);
      if (op == "//" || op == "%") {
        if (y == 0) e_.fail("integer division or modulo by zero");
        if (x == std::numeric_limits<std::int64_t>::min() && y == -1) e_.fail("integer overflow");
        std::int64_t quotient = x / y, remainder = x % y;
        if (remainder != 0 && ((remainder < 0) != (y < 0))) {  // Python floors
          --quotient;
          remainder += y;
        }
        return Value(op == "//" ? quotient : remainder);
      }
      if (op == "**" && y >= 0) {
        std::int64_t power = 1;
        for (std::int64_t i = 0; i < y; ++i) {
          if (__builtin_mul_overflow(power, x, &power)) e_.fail("integer overflow");
          if (power == 0 || power == 1 || (power == -1 && i > 64)) break;
          e_.step();
        }
        return Value(power);
      }
      if (op == "+" || op == "-" || op == "*") e_.fail("integer overflow");
    }
    const double x = a.as_number(), y = b.as_number();
    if (op == "+") return Value(x + y);
    if (op == "-") return Value(x - y);
    if (op == "*") return Value(x * y);
    if (op == "/") {
      if (y == 0) e_.fail("division by zero");
      return Value(x / y);
    }
    if (op == "//" || op == "%") {
      if (y == 0) e_.fail("float division or modulo by zero");
      const double quotient = std::floor(x / y);
      return Value(op == "//" ? quotient : x - quotient * y);
    }
    if (op == "**") return Value(std::pow(x, y));
    e_.fail(fmt::format("unknown operator {}", op));
  }

  bool compare(const std::string& op, const Value& a, const Value& b) {
    using Kind = Value::Kind;
    if (op == "==") return equal(a, b);
    if (op == "!=") return !equal(a, b);
    if (op == "in" || op == "not in") return contains(b, a) == (op == "in");
    int order = 0;
    if (a.is_number() && b.is_number()) {
      order = a.as_number() < b.as_number() ? -1 : a.as_number() > b.as_number() ? 1 : 0;
    } else if (a.is(Kind::string) && b.is(Kind::string)) {
      order = a.as_string().compare(b.as_string());
    } else {
      e_.fail(fmt::format("'{}' not supported between '{}' and '{}'", op, a.type_name(), b.type_name()));
    }
    if (op == "<") return order < 0;
    if (op == "<=") return order <= 0;
    if (op == ">") return order > 0;
    return order >= 0;
  }

  bool contains(const Value& container, const Value& needle) {
    using Kind = Value::Kind;
    switch (container.kind()) {
      case Kind::string:
        if (!needle.is(Kind::string)) e_.fail(fmt::format("'in <string>' needs a string, not {}", needle.type_name()));
        return container.as_string().find(needle.as_string()) != std::string::npos;
      case Kind::list:
        for (const Value& item : container.as_list()) {
          e_.step();
          if (equal(item, needle)) return true;
        }
        return false;
      case Kind::dict:
        return needle.is(Kind::string) && container.as_dict().find(needle.as_string()) != nullptr;
      case Kind::undefined:
        return false;
      default:
        e_.fail(fmt::format("argument of type '{}' is not iterable", container.type_name()));
    }
  }

  Value slice(const Value& object, std::optional<std::int64_t> start, std::optional<std::int64_t> stop,
              std::int64_t step) {
    using Kind = Value::Kind;
    if (step == 0) e_.fail("slice step cannot be zero");
    List items;
    if (object.is(Kind::string)) {
      items = iterate(e_, object);  // code points
    } else if (object.is(Kind::list)) {
      items = object.as_list();
    } else {
      e_.fail(fmt::format("a {} cannot be sliced", object.type_name()));
    }
    // Python's slice.indices().
    const auto length = static_cast<std::int64_t>(items.size());
    auto clamp = [&](std::optional<std::int64_t> index, std::int64_t fallback) {
      if (!index) return fallback;
      std::int64_t value = *index;
      if (value < 0) value = std::max<std::int64_t>(value + length, step < 0 ? -1 : 0);
      return std::min<std::int64_t>(value, step < 0 ? length - 1 : length);
    };
    const std::int64_t first = clamp(start, step < 0 ? length - 1 : 0);
    const std::int64_t last = clamp(stop, step < 0 ? -1 : length);
    List out;
    for (std::int64_t i = first; step > 0 ? i < last : i > last; i += step) {
      out.push_back(items[static_cast<std::size_t>(i)]);
      if (step > 0 ? i > length - step : i < step) break;  // i + step would overflow or leave the range
    }
    e_.charge(sizeof(Value) * out.size());
    if (!object.is(Kind::string)) return Value(std::move(out));
    std::string text;
    for (const Value& character : out) text += character.as_string();
    return Value(std::move(text));
  }

  Evaluator& e_;
};

Value Evaluator::evaluate(const Expression& expression) {
  step();
  line_ = expression.line;
  return std::visit(ExpressionVisitor(*this), expression.node);
}

}  // namespace strata::chat_template
