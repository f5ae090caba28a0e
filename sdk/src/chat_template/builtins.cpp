// The filters, tests, methods and functions of Jinja and Python that chat templates use, with
// Python's semantics (strip() strips whitespace, split() without a separator splits on runs of
// it, indexes count code points, negative ones from the end).
#include "chat_template/errors.hpp"
#include "chat_template/evaluator.hpp"
#include "chat_template/limits.hpp"
#include "tokenizer/utf8.hpp"

#include <fmt/format.h>
#include <utf8proc.h>

#include <charconv>
#include <cmath>
#include <ctime>
#include <limits>

namespace strata::chat_template {
namespace {

using Kind = Value::Kind;

bool is_python_space(char32_t c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

std::vector<char32_t> code_points(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const tokenization::CodePoint point = tokenization::code_point_at(text, i);
    out.push_back(point.value);
    i += point.length;
  }
  return out;
}

std::string from_code_points(const std::vector<char32_t>& points, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end; ++i) tokenization::append_utf8(out, points[i]);
  return out;
}

const std::string& string_argument(Evaluator& evaluator, const Value& value, std::string_view what) {
  if (!value.is(Kind::string)) evaluator.fail(fmt::format("{} must be a string, not {}", what, value.type_name()));
  return value.as_string();
}

std::int64_t integer_argument(Evaluator& evaluator, const Value& value, std::string_view what) {
  if (!value.is(Kind::integer)) evaluator.fail(fmt::format("{} must be an integer, not {}", what, value.type_name()));
  return value.as_integer();
}

// Python's str.strip / lstrip / rstrip: whitespace, or any of `chars`.
std::string strip(const std::string& text, const Value& chars, bool left, bool right) {
  const std::vector<char32_t> points = code_points(text);
  std::vector<char32_t> set;
  const bool whitespace = !chars.is(Kind::string);
  if (!whitespace) set = code_points(chars.as_string());
  auto strippable = [&](char32_t c) {
    return whitespace ? is_python_space(c) : std::find(set.begin(), set.end(), c) != set.end();
  };
  std::size_t begin = 0, end = points.size();
  if (left)
    while (begin < end && strippable(points[begin])) ++begin;
  if (right)
    while (end > begin && strippable(points[end - 1])) --end;
  return from_code_points(points, begin, end);
}

std::string map_case(const std::string& text, bool upper) {
  std::string out;
  for (char32_t c : code_points(text)) {
    const auto mapped =
        upper ? utf8proc_toupper(static_cast<utf8proc_int32_t>(c)) : utf8proc_tolower(static_cast<utf8proc_int32_t>(c));
    tokenization::append_utf8(out, static_cast<char32_t>(mapped));
  }
  return out;
}

std::string capitalize(const std::string& text) {
  const std::vector<char32_t> points = code_points(text);
  if (points.empty()) return {};
  return map_case(from_code_points(points, 0, 1), true) + map_case(from_code_points(points, 1, points.size()), false);
}

std::string title(const std::string& text) {
  std::string out;
  bool in_word = false;
  for (char32_t c : code_points(text)) {
    const bool letter = utf8proc_category(static_cast<utf8proc_int32_t>(c)) <= UTF8PROC_CATEGORY_LO;
    const std::string one = from_code_points({c}, 0, 1);
    out += letter ? map_case(one, !in_word) : one;
    in_word = letter;
  }
  return out;
}

// Python's str.split.
List split(Evaluator& evaluator, const std::string& text, const Value& separator, std::int64_t max_split) {
  List parts;
  auto add = [&](std::string part) {
    evaluator.charge(part.size() + sizeof(Value));
    parts.emplace_back(std::move(part));
  };
  if (!separator.is(Kind::string)) {
    // Runs of whitespace separate; none at either end makes an empty part.
    const std::vector<char32_t> points = code_points(text);
    std::size_t i = 0;
    while (i < points.size()) {
      while (i < points.size() && is_python_space(points[i])) ++i;
      if (i == points.size()) break;
      if (max_split >= 0 && static_cast<std::int64_t>(parts.size()) == max_split) {
        std::size_t end = points.size();
        while (end > i && is_python_space(points[end - 1])) --end;
        add(from_code_points(points, i, end));
        break;
      }
      std::size_t end = i;
      while (end < points.size() && !is_python_space(points[end])) ++end;
      add(from_code_points(points, i, end));
      i = end;
    }
    return parts;
  }
  const std::string& sep = separator.as_string();
  if (sep.empty()) evaluator.fail("split: empty separator");
  std::size_t start = 0;
  while (true) {
    const std::size_t found = text.find(sep, start);
    if (found == std::string::npos || (max_split >= 0 && static_cast<std::int64_t>(parts.size()) == max_split)) {
      add(text.substr(start));
      return parts;
    }
    add(text.substr(start, found - start));
    start = found + sep.size();
    evaluator.step();
  }
}

std::string replace(Evaluator& evaluator, const std::string& text, const std::string& old_text,
                    const std::string& new_text, std::int64_t count) {
  std::string out;
  std::size_t start = 0;
  std::int64_t done = 0;
  if (old_text.empty()) {
    // Python inserts the new text between every code point and at both ends.
    const std::vector<char32_t> points = code_points(text);
    for (std::size_t i = 0; i <= points.size(); ++i) {
      if (count < 0 || done < count) {
        out += new_text;
        ++done;
      }
      if (i < points.size()) tokenization::append_utf8(out, points[i]);
      evaluator.charge(new_text.size() + 4);
      if (out.size() > limits::max_output_bytes) evaluator.fail("replace: the result is too large");
    }
    return out;
  }
  while (count < 0 || done < count) {
    const std::size_t found = text.find(old_text, start);
    if (found == std::string::npos) break;
    out.append(text, start, found - start);
    out += new_text;
    start = found + old_text.size();
    ++done;
    evaluator.charge(new_text.size());
    if (out.size() > limits::max_output_bytes) evaluator.fail("replace: the result is too large");
  }
  out.append(text, start);
  evaluator.charge(out.size());
  return out;
}

Value bound_method(std::string name, std::function<Value(Evaluator&, CallArguments&)> call) {
  return Value(Callable{std::move(name), std::move(call)});
}

Value string_method(const Value& object, const std::string& name) {
  const std::string text = object.as_string();
  const std::string label = "str." + name;
  if (name == "startswith" || name == "endswith") {
    const bool start = name == "startswith";
    return bound_method(label, [text, start](Evaluator& e, CallArguments& arguments) {
      arguments.check(1, {});
      const Value prefix = arguments.get(0, "prefix");
      List candidates = prefix.is(Kind::list) ? prefix.as_list() : List{prefix};
      for (const Value& candidate : candidates) {
        const std::string& affix =
            string_argument(e, candidate, start ? "startswith's argument" : "endswith's argument");
        if (start ? text.starts_with(affix) : text.ends_with(affix)) return Value(true);
      }
      return Value(false);
    });
  }
  if (name == "strip" || name == "lstrip" || name == "rstrip") {
    const bool left = name != "rstrip", right = name != "lstrip";
    return bound_method(label, [text, left, right](Evaluator& e, CallArguments& arguments) {
      arguments.check(1, {});
      const Value chars = arguments.get(0, "chars");
      std::string out = strip(text, chars, left, right);
      e.charge(out.size());
      return Value(std::move(out));
    });
  }
  if (name == "split") {
    return bound_method(label, [text](Evaluator& e, CallArguments& arguments) {
      arguments.check(2, {"sep", "maxsplit"});
      const Value max_split = arguments.get(1, "maxsplit");
      return Value(split(e, text, arguments.get(0, "sep"),
                         max_split.is(Kind::integer) ? max_split.as_integer() : std::int64_t{-1}));
    });
  }
  if (name == "replace") {
    return bound_method(label, [text](Evaluator& e, CallArguments& arguments) {
      arguments.check(3, {"count"});
      const Value count = arguments.get(2, "count");
      return Value(replace(e, text, string_argument(e, arguments.get(0, "old"), "replace's old"),
                           string_argument(e, arguments.get(1, "new"), "replace's new"),
                           count.is(Kind::integer) ? count.as_integer() : -1));
    });
  }
  if (name == "upper" || name == "lower" || name == "title" || name == "capitalize") {
    return bound_method(label, [text, name](Evaluator& e, CallArguments& arguments) {
      arguments.check(0, {});
      e.charge(text.size() * 2);
      if (name == "title") return Value(title(text));
      if (name == "capitalize") return Value(capitalize(text));
      return Value(map_case(text, name == "upper"));
    });
  }
  if (name == "find" || name == "count") {
    const bool find = name == "find";
    return bound_method(label, [text, find](Evaluator& e, CallArguments& arguments) {
      arguments.check(1, {});
      const std::string& needle = string_argument(e, arguments.get(0, "sub"), "the argument");
      if (find) {
        const std::size_t at = text.find(needle);
        return Value(at == std::string::npos ? std::int64_t{-1}
                                             : static_cast<std::int64_t>(code_point_count(text.substr(0, at))));
      }
      if (needle.empty()) return Value(static_cast<std::int64_t>(code_point_count(text) + 1));
      std::int64_t count = 0;
      for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size()))
        ++count;
      return Value(count);
    });
  }
  if (name == "join") {
    return bound_method(label, [text](Evaluator& e, CallArguments& arguments) {
      arguments.check(1, {});
      std::string out;
      bool first = true;
      for (const Value& item : iterate(e, arguments.get(0, "iterable"))) {
        if (!first) out += text;
        first = false;
        out += string_argument(e, item, "str.join's items");
        e.charge(text.size() + item.as_string().size());
      }
      return Value(std::move(out));
    });
  }
  return Value::undefined(name);
}

Value dict_method(const Value& object, const std::string& name) {
  if (name == "items" || name == "keys" || name == "values") {
    return bound_method("dict." + name, [object, name](Evaluator& e, CallArguments& arguments) {
      arguments.check(0, {});
      List out;
      for (const auto& [key, value] : object.as_dict().items()) {
        if (name == "items") {
          out.emplace_back(List{Value(key), value});
        } else {
          out.push_back(name == "keys" ? Value(key) : value);
        }
      }
      e.charge(sizeof(Value) * 3 * out.size());
      return Value(std::move(out));
    });
  }
  if (name == "get") {
    return bound_method("dict.get", [object](Evaluator&, CallArguments& arguments) {
      arguments.check(2, {});
      const Value key = arguments.get(0, "key");
      const Value* found = key.is(Kind::string) ? object.as_dict().find(key.as_string()) : nullptr;
      if (found != nullptr) return *found;
      const Value fallback = arguments.get(1, "default");
      return fallback.is(Kind::undefined) ? Value::none() : fallback;
    });
  }
  return Value::undefined(name);
}

}  // namespace

std::size_t code_point_count(std::string_view text) {
  std::size_t count = 0;
  for (const char c : text) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

List iterate(Evaluator& evaluator, const Value& value) {
  switch (value.kind()) {
    case Kind::list:
      return value.as_list();
    case Kind::dict: {
      List keys;
      for (const auto& [key, item] : value.as_dict().items()) keys.emplace_back(key);
      evaluator.charge(sizeof(Value) * keys.size());
      return keys;
    }
    case Kind::string: {
      List characters;
      for (char32_t c : code_points(value.as_string())) characters.emplace_back(from_code_points({c}, 0, 1));
      evaluator.charge((sizeof(Value) + 32) * characters.size());
      return characters;
    }
    case Kind::undefined:
      return {};
    default:
      evaluator.fail(fmt::format("'{}' object is not iterable", value.type_name()));
  }
}

Value item(Evaluator& evaluator, const Value& object, const Value& index) {
  switch (object.kind()) {
    case Kind::dict:
      if (index.is(Kind::string)) {
        const Value* found = object.as_dict().find(index.as_string());
        return found != nullptr ? *found : Value::undefined(index.as_string());
      }
      return Value::undefined(to_text(index));
    case Kind::list:
    case Kind::string: {
      if (!index.is(Kind::integer)) {
        if (object.is(Kind::string) && index.is(Kind::string)) return attribute(evaluator, object, index.as_string());
        evaluator.fail(fmt::format("{} indices must be integers, not {}", object.type_name(), index.type_name()));
      }
      const List items = object.is(Kind::list) ? List{} : iterate(evaluator, object);
      const List& sequence = object.is(Kind::list) ? object.as_list() : items;
      std::int64_t at = index.as_integer();
      const auto size = static_cast<std::int64_t>(sequence.size());
      if (at < 0) at += size;
      if (at < 0 || at >= size) return Value::undefined(fmt::format("[{}]", index.as_integer()));
      return sequence[static_cast<std::size_t>(at)];
    }
    case Kind::undefined:
      evaluator.fail(fmt::format("'{}' is undefined", object.undefined_name()));
    default:
      return Value::undefined(to_text(index));
  }
}

Value attribute(Evaluator& evaluator, const Value& object, const std::string& name) {
  switch (object.kind()) {
    case Kind::dict: {
      if (!object.is_namespace()) {
        Value method = dict_method(object, name);
        if (!method.is(Kind::undefined)) return method;
      }
      const Value* found = object.as_dict().find(name);
      return found != nullptr ? *found : Value::undefined(name);
    }
    case Kind::string:
      return string_method(object, name);
    case Kind::undefined:
      evaluator.fail(fmt::format("'{}' is undefined (reading .{})", object.undefined_name(), name));
    default:
      return Value::undefined(name);
  }
}

Value apply_filter(Evaluator& evaluator, const std::string& name, const Value& operand, CallArguments& arguments) {
  auto text_result = [&](std::string text) {
    evaluator.charge(text.size());
    return Value(std::move(text));
  };
  if (name == "trim") {
    arguments.check(1, {"chars"});
    return text_result(strip(to_text(operand), arguments.get(0, "chars"), true, true));
  }
  if (name == "tojson") {
    arguments.check(1, {"indent", "ensure_ascii", "sort_keys", "separators"});
    const Value indent = arguments.get(0, "indent");
    const std::int64_t width = indent.is(Kind::integer) ? std::clamp<std::int64_t>(indent.as_integer(), 0, 16) : -1;
    return text_result(to_json_text(operand, static_cast<int>(width)));
  }
  if (name == "length" || name == "count") {
    arguments.check(0, {});
    switch (operand.kind()) {
      case Kind::string:
        return Value(static_cast<std::int64_t>(code_point_count(operand.as_string())));
      case Kind::list:
        return Value(static_cast<std::int64_t>(operand.as_list().size()));
      case Kind::dict:
        return Value(static_cast<std::int64_t>(operand.as_dict().size()));
      case Kind::undefined:
        return Value(std::int64_t{0});
      default:
        evaluator.fail(fmt::format("object of type '{}' has no length", operand.type_name()));
    }
  }
  if (name == "upper" || name == "lower" || name == "capitalize" || name == "title") {
    arguments.check(0, {});
    const std::string text = to_text(operand);
    if (name == "capitalize") return text_result(capitalize(text));
    if (name == "title") return text_result(title(text));
    return text_result(map_case(text, name == "upper"));
  }
  if (name == "default" || name == "d") {
    arguments.check(2, {"default_value", "boolean"});
    const bool boolean = arguments.get(1, "boolean").truthy();
    const bool missing = operand.is(Kind::undefined) || (boolean && !operand.truthy());
    if (!missing) return operand;
    const Value fallback = arguments.get(0, "default_value");
    return fallback.is(Kind::undefined) ? Value(std::string()) : fallback;
  }
  if (name == "join") {
    arguments.check(2, {"d", "attribute"});
    const Value separator = arguments.get(0, "d");
    const std::string sep = separator.is(Kind::undefined) ? std::string() : to_text(separator);
    const Value key = arguments.get(1, "attribute");
    std::string out;
    bool first = true;
    for (const Value& element : iterate(evaluator, operand)) {
      if (!first) out += sep;
      first = false;
      out += to_text(key.is(Kind::undefined) ? element : item(evaluator, element, key));
      evaluator.charge(sep.size());
      if (out.size() > limits::max_output_bytes) evaluator.fail("join: the result is too large");
    }
    return text_result(std::move(out));
  }
  if (name == "first" || name == "last") {
    arguments.check(0, {});
    const List items = iterate(evaluator, operand);
    if (items.empty()) return Value::undefined(name);
    return name == "first" ? items.front() : items.back();
  }
  if (name == "items") {
    arguments.check(0, {});
    if (operand.is(Kind::undefined)) return Value(List{});
    if (!operand.is(Kind::dict)) evaluator.fail(fmt::format("items: a dict is needed, not {}", operand.type_name()));
    CallArguments none;
    none.function = "items";
    return evaluator.call(attribute(evaluator, operand, "items"), none);
  }
  if (name == "list") {
    arguments.check(0, {});
    return Value(iterate(evaluator, operand));
  }
  if (name == "string") {
    arguments.check(0, {});
    return text_result(to_text(operand));
  }
  if (name == "safe") {
    arguments.check(0, {});
    return operand;
  }
  if (name == "reverse") {
    arguments.check(0, {});
    if (operand.is(Kind::string)) {
      std::vector<char32_t> points = code_points(operand.as_string());
      std::reverse(points.begin(), points.end());
      return text_result(from_code_points(points, 0, points.size()));
    }
    List items = iterate(evaluator, operand);
    std::reverse(items.begin(), items.end());
    return Value(std::move(items));
  }
  if (name == "replace") {
    arguments.check(3, {"count"});
    const Value count = arguments.get(2, "count");
    return Value(replace(evaluator, to_text(operand), to_text(arguments.get(0, "old")),
                         to_text(arguments.get(1, "new")), count.is(Kind::integer) ? count.as_integer() : -1));
  }
  if (name == "int") {
    arguments.check(2, {"default", "base"});
    if (operand.is(Kind::integer)) return operand;
    if (operand.is(Kind::boolean)) return Value(std::int64_t{operand.as_bool() ? 1 : 0});
    if (operand.is(Kind::floating) && std::isfinite(operand.as_number()) && std::fabs(operand.as_number()) < 9e18)
      return Value(static_cast<std::int64_t>(operand.as_number()));
    if (operand.is(Kind::string)) {
      const std::string text = strip(operand.as_string(), Value(), true, true);
      std::int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size()) return Value(value);
    }
    const Value fallback = arguments.get(0, "default");
    return fallback.is(Kind::undefined) ? Value(std::int64_t{0}) : fallback;
  }
  if (name == "float") {
    arguments.check(1, {"default"});
    if (operand.is_number()) return Value(operand.as_number());
    if (operand.is(Kind::string)) {
      const std::string text = strip(operand.as_string(), Value(), true, true);
      char* end = nullptr;
      const double value = std::strtod(text.c_str(), &end);
      if (!text.empty() && end == text.c_str() + text.size()) return Value(value);
    }
    const Value fallback = arguments.get(0, "default");
    return fallback.is(Kind::undefined) ? Value(0.0) : fallback;
  }
  if (name == "abs") {
    arguments.check(0, {});
    if (operand.is(Kind::floating)) return Value(std::fabs(operand.as_number()));
    if (!operand.is_number()) evaluator.fail(fmt::format("abs: a number is needed, not {}", operand.type_name()));
    const std::int64_t value = operand.is(Kind::boolean) ? (operand.as_bool() ? 1 : 0) : operand.as_integer();
    if (value == std::numeric_limits<std::int64_t>::min()) evaluator.fail("integer overflow");
    return Value(value < 0 ? -value : value);
  }
  if (name == "select" || name == "reject" || name == "selectattr" || name == "rejectattr") {
    const bool by_attribute = name.ends_with("attr");
    const bool keep_passing = name.starts_with("select");
    const std::size_t first_argument = by_attribute ? 1 : 0;
    const Value key = by_attribute ? arguments.get(0, "attribute") : Value();
    const Value test = arguments.get(first_argument, "test");
    CallArguments test_arguments;
    test_arguments.function = name;
    for (std::size_t i = first_argument + 1; i < arguments.positional.size(); ++i)
      test_arguments.positional.push_back(arguments.positional[i]);
    List out;
    for (const Value& element : iterate(evaluator, operand)) {
      evaluator.step();
      const Value subject = by_attribute ? attribute(evaluator, element, to_text(key)) : element;
      const bool passes =
          test.is(Kind::undefined)
              ? subject.truthy()
              : apply_test(evaluator, string_argument(evaluator, test, name + "'s test"), subject, test_arguments);
      if (passes == keep_passing) out.push_back(element);
    }
    evaluator.charge(sizeof(Value) * out.size());
    return Value(std::move(out));
  }
  if (name == "map") {
    const Value key = arguments.get(std::numeric_limits<std::size_t>::max(), "attribute");
    List out;
    if (!key.is(Kind::undefined)) {
      const Value fallback = arguments.get(std::numeric_limits<std::size_t>::max(), "default");
      for (const Value& element : iterate(evaluator, operand)) {
        Value value = attribute(evaluator, element, to_text(key));
        out.push_back(value.is(Kind::undefined) && !fallback.is(Kind::undefined) ? fallback : value);
      }
    } else {
      const std::string& filter = string_argument(evaluator, arguments.get(0, "filter"), "map's filter");
      CallArguments rest;
      rest.function = filter;
      for (std::size_t i = 1; i < arguments.positional.size(); ++i) rest.positional.push_back(arguments.positional[i]);
      for (const Value& element : iterate(evaluator, operand)) {
        evaluator.step();
        CallArguments copy = rest;
        out.push_back(apply_filter(evaluator, filter, element, copy));
      }
    }
    evaluator.charge(sizeof(Value) * out.size());
    return Value(std::move(out));
  }
  evaluator.fail(fmt::format("unknown filter '{}'", name.substr(0, 40)));
}

bool apply_test(Evaluator& evaluator, const std::string& name, const Value& operand, const CallArguments& arguments) {
  const Value argument = arguments.get(0, "value");
  if (name == "defined") return !operand.is(Kind::undefined);
  if (name == "undefined") return operand.is(Kind::undefined);
  if (name == "none") return operand.is(Kind::none);
  if (name == "string") return operand.is(Kind::string);
  if (name == "boolean") return operand.is(Kind::boolean);
  if (name == "true") return operand.is(Kind::boolean) && operand.as_bool();
  if (name == "false") return operand.is(Kind::boolean) && !operand.as_bool();
  if (name == "integer") return operand.is(Kind::integer);
  if (name == "float") return operand.is(Kind::floating);
  if (name == "number") return operand.is_number();
  if (name == "mapping") return operand.is(Kind::dict);
  if (name == "sequence") return operand.is(Kind::list) || operand.is(Kind::string) || operand.is(Kind::dict);
  if (name == "iterable") return operand.is(Kind::list) || operand.is(Kind::string) || operand.is(Kind::dict);
  if (name == "callable") return operand.is(Kind::callable);
  if (name == "lower" || name == "upper") {
    if (!operand.is(Kind::string)) return false;
    return map_case(operand.as_string(), name == "upper") == operand.as_string();
  }
  if (name == "odd" || name == "even" || name == "divisibleby") {
    const std::int64_t value = integer_argument(evaluator, operand, "the value tested");
    if (name == "divisibleby") {
      const std::int64_t divisor = integer_argument(evaluator, argument, "divisibleby's argument");
      if (divisor == 0) evaluator.fail("divisibleby 0");
      return divisor == -1 || value % divisor == 0;
    }
    return (value % 2 != 0) == (name == "odd");
  }
  if (name == "eq" || name == "equalto" || name == "==") return equal(operand, argument);
  if (name == "ne" || name == "!=") return !equal(operand, argument);
  if (name == "sameas") return equal(operand, argument) && operand.kind() == argument.kind();
  if (name == "in") {
    if (argument.is(Kind::string))
      return operand.is(Kind::string) && argument.as_string().find(operand.as_string()) != std::string::npos;
    for (const Value& element : iterate(evaluator, argument))
      if (equal(element, operand)) return true;
    return false;
  }
  if (name == "lt" || name == "le" || name == "gt" || name == "ge" || name == "<" || name == "<=" || name == ">" ||
      name == ">=") {
    int order = 0;
    if (operand.is_number() && argument.is_number()) {
      order = operand.as_number() < argument.as_number() ? -1 : operand.as_number() > argument.as_number() ? 1 : 0;
    } else if (operand.is(Kind::string) && argument.is(Kind::string)) {
      order = operand.as_string().compare(argument.as_string());
    } else {
      evaluator.fail(fmt::format("test {} cannot order {} and {}", name, operand.type_name(), argument.type_name()));
    }
    if (name == "lt" || name == "<") return order < 0;
    if (name == "le" || name == "<=") return order <= 0;
    if (name == "gt" || name == ">") return order > 0;
    return order >= 0;
  }
  evaluator.fail(fmt::format("unknown test '{}'", name.substr(0, 40)));
}

void add_global_functions(Evaluator::Scope& globals) {
  globals["raise_exception"] = Value(Callable{"raise_exception", [](Evaluator& e, CallArguments& arguments) -> Value {
                                                e.fail("raise_exception: " + to_text(arguments.get(0, "message")));
                                              }});
  globals["namespace"] = Value(Callable{"namespace", [](Evaluator& e, CallArguments& arguments) {
                                          Dict dict;
                                          for (const Value& given : arguments.positional) {
                                            if (!given.is(Kind::dict)) e.fail("namespace() takes a dict or names");
                                            if (given.holds_namespace()) e.fail("a namespace cannot hold a namespace");
                                            for (const auto& [key, value] : given.as_dict().items())
                                              dict.set(key, value);
                                          }
                                          for (const auto& [key, value] : arguments.keyword) {
                                            if (value.holds_namespace()) e.fail("a namespace cannot hold a namespace");
                                            dict.set(key, value);
                                          }
                                          e.charge(sizeof(Value) * 2 * (dict.size() + 1));
                                          return Value(std::move(dict), true);
                                        }});
  globals["dict"] = Value(Callable{"dict", [](Evaluator& e, CallArguments& arguments) {
                                     arguments.check(0, {});
                                     Dict dict;
                                     for (const auto& [key, value] : arguments.keyword) dict.set(key, value);
                                     e.charge(sizeof(Value) * 2 * (dict.size() + 1));
                                     return Value(std::move(dict));
                                   }});
  globals["range"] = Value(Callable{"range", [](Evaluator& e, CallArguments& arguments) {
                                      arguments.check(3, {});
                                      std::vector<std::int64_t> given;
                                      for (const Value& value : arguments.positional)
                                        given.push_back(integer_argument(e, value, "range's arguments"));
                                      if (given.empty()) e.fail("range needs at least one argument");
                                      const std::int64_t start = given.size() > 1 ? given[0] : 0;
                                      const std::int64_t stop = given.size() > 1 ? given[1] : given[0];
                                      const std::int64_t step = given.size() > 2 ? given[2] : 1;
                                      if (step == 0) e.fail("range step cannot be zero");
                                      List out;
                                      for (std::int64_t i = start; step > 0 ? i < stop : i > stop;) {
                                        e.step();
                                        e.charge(sizeof(Value));
                                        out.emplace_back(i);
                                        if (__builtin_add_overflow(i, step, &i)) break;
                                      }
                                      return Value(std::move(out));
                                    }});
  globals["strftime_now"] =
      Value(Callable{"strftime_now", [](Evaluator& e, CallArguments& arguments) {
                       arguments.check(1, {});
                       const std::string& format =
                           string_argument(e, arguments.get(0, "format"), "strftime_now's format");
                       if (format.size() > 256) e.fail("strftime_now: the format is too long");
                       const std::time_t now = std::time(nullptr);
                       std::tm local{};
                       localtime_r(&now, &local);
                       char buffer[1024];
                       const std::size_t size = std::strftime(buffer, sizeof buffer, format.c_str(), &local);
                       return Value(std::string(buffer, size));
                     }});
}

}  // namespace strata::chat_template
