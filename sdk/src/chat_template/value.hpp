// The values a chat template computes with: Python's None, bool, int, float, str, list and dict
// as Jinja sees them, plus undefined, callables (macros, built-in functions) and namespaces.
// Strings, lists and dicts are shared, never copied: a value costs a pointer to pass around,
// and only the operations that make new text or lists spend memory (which the evaluator counts).
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace strata::chat_template {

class Value;
struct CallArguments;
class Evaluator;

using List = std::vector<Value>;

// A dict that keeps its keys in insertion order, as Python's does (tojson and items() show it).
class Dict {
 public:
  const Value* find(std::string_view key) const;
  void set(const std::string& key, Value value);
  const std::vector<std::pair<std::string, Value>>& items() const { return items_; }
  // Out of line: Value is incomplete here, and clang refuses to size a vector of it.
  std::size_t size() const;

 private:
  std::vector<std::pair<std::string, Value>> items_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

struct Callable {
  std::string name;
  std::function<Value(Evaluator&, CallArguments&)> call;
};

struct Undefined {
  std::string name;  // what was looked up, for error messages
};
struct None {};

class Value {
 public:
  enum class Kind { undefined, none, boolean, integer, floating, string, list, dict, callable };

  Value() : data_(Undefined{}) {}
  static Value undefined(std::string name) { return Value(Undefined{std::move(name)}); }
  static Value none() { return Value(None{}); }
  Value(bool value) : data_(value) {}
  Value(std::int64_t value) : data_(value) {}
  Value(int value) : data_(static_cast<std::int64_t>(value)) {}
  Value(double value) : data_(value) {}
  Value(std::string value) : data_(std::make_shared<const std::string>(std::move(value))) {}
  Value(const char* value) : Value(std::string(value)) {}
  // Lists and dicts nest at most max_depth deep (Error otherwise): every walk over a value
  // (printing, comparing, freeing) recurses once per level.
  static constexpr std::size_t max_depth = 128;
  Value(List value);
  Value(Dict value, bool is_namespace = false);
  Value(Callable value) : data_(std::make_shared<const Callable>(std::move(value))) {}

  Kind kind() const { return static_cast<Kind>(data_.index()); }
  bool is(Kind kind) const { return this->kind() == kind; }
  bool is_number() const { return is(Kind::integer) || is(Kind::floating) || is(Kind::boolean); }
  bool is_namespace() const { return is_namespace_; }
  // Whether a namespace is in this value: one may not be stored in a namespace (a cycle).
  bool holds_namespace() const { return holds_namespace_; }
  std::size_t depth() const { return depth_; }

  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_integer() const { return std::get<std::int64_t>(data_); }
  double as_number() const;  // integer, float or bool as a double
  const std::string& as_string() const { return *std::get<std::shared_ptr<const std::string>>(data_); }
  const List& as_list() const { return *std::get<std::shared_ptr<const List>>(data_); }
  const Dict& as_dict() const { return *std::get<std::shared_ptr<Dict>>(data_); }
  Dict& namespace_dict() const { return *std::get<std::shared_ptr<Dict>>(data_); }
  const Callable& as_callable() const { return *std::get<std::shared_ptr<const Callable>>(data_); }
  const std::string& undefined_name() const { return std::get<Undefined>(data_).name; }

  // Python's truth: empty text, lists and dicts, 0, None and undefined are false.
  bool truthy() const;
  // Python's type name, for errors: "str", "list", "dict", "NoneType", ...
  std::string_view type_name() const;

 private:
  explicit Value(Undefined value) : data_(std::move(value)) {}
  explicit Value(None value) : data_(value) {}

  std::variant<Undefined, None, bool, std::int64_t, double, std::shared_ptr<const std::string>,
               std::shared_ptr<const List>, std::shared_ptr<Dict>, std::shared_ptr<const Callable>>
      data_;
  bool is_namespace_ = false;
  bool holds_namespace_ = false;
  std::size_t depth_ = 0;
};

// Python's == (1 == 1.0 == True; lists and dicts element by element).
bool equal(const Value& a, const Value& b);
// str(value): what {{ value }} prints (undefined prints nothing; lists and dicts as Python's repr).
std::string to_text(const Value& value);
// repr(value): strings quoted as Python quotes them.
std::string to_repr(const Value& value);

// JSON in and out: tojson writes as Python's json.dumps(ensure_ascii=False) does.
Value from_json(const nlohmann::ordered_json& json);
// `indent` < 0: one line with ", " and ": " separators.
std::string to_json_text(const Value& value, int indent);

}  // namespace strata::chat_template
