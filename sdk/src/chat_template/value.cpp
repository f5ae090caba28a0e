// Python's semantics for the values of a chat template: truth, equality, str(), repr() and
// json.dumps.
#include "chat_template/value.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <strata/error.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace strata::chat_template {

std::size_t Dict::size() const { return items_.size(); }

const Value* Dict::find(std::string_view key) const {
  const auto found = index_.find(key);
  return found == index_.end() ? nullptr : &items_[found->second].second;
}

void Dict::set(const std::string& key, Value value) {
  const auto found = index_.find(key);
  if (found != index_.end()) {
    items_[found->second].second = std::move(value);
    return;
  }
  index_.emplace(key, items_.size());
  items_.emplace_back(key, std::move(value));
}

namespace {

// The depth of a list or dict of `items`, checked against Value::max_depth.
template <typename Items, typename Get>
std::size_t container_depth(const Items& items, Get get, bool& holds_namespace) {
  std::size_t deepest = 0;
  for (const auto& item : items) {
    const Value& value = get(item);
    deepest = std::max(deepest, value.depth());
    holds_namespace = holds_namespace || value.holds_namespace();
  }
  if (deepest + 1 > Value::max_depth)
    throw Error(StatusCode::invalid_argument,
                fmt::format("lists and dicts nested more than {} deep", Value::max_depth));
  return deepest + 1;
}

}  // namespace

Value::Value(List value) {
  depth_ = container_depth(
      value, [](const Value& item) -> const Value& { return item; }, holds_namespace_);
  data_ = std::make_shared<const List>(std::move(value));
}

Value::Value(Dict value, bool is_namespace) : is_namespace_(is_namespace) {
  depth_ = container_depth(
      value.items(), [](const auto& item) -> const Value& { return item.second; }, holds_namespace_);
  holds_namespace_ = holds_namespace_ || is_namespace;
  data_ = std::make_shared<Dict>(std::move(value));
}

double Value::as_number() const {
  switch (kind()) {
    case Kind::integer:
      return static_cast<double>(as_integer());
    case Kind::boolean:
      return as_bool() ? 1.0 : 0.0;
    default:
      return std::get<double>(data_);
  }
}

bool Value::truthy() const {
  switch (kind()) {
    case Kind::undefined:
    case Kind::none:
      return false;
    case Kind::boolean:
      return as_bool();
    case Kind::integer:
      return as_integer() != 0;
    case Kind::floating:
      return as_number() != 0;
    case Kind::string:
      return !as_string().empty();
    case Kind::list:
      return !as_list().empty();
    case Kind::dict:
      return as_dict().size() != 0;
    case Kind::callable:
      return true;
  }
  return false;
}

std::string_view Value::type_name() const {
  switch (kind()) {
    case Kind::undefined:
      return "undefined";
    case Kind::none:
      return "NoneType";
    case Kind::boolean:
      return "bool";
    case Kind::integer:
      return "int";
    case Kind::floating:
      return "float";
    case Kind::string:
      return "str";
    case Kind::list:
      return "list";
    case Kind::dict:
      return is_namespace() ? "Namespace" : "dict";
    case Kind::callable:
      return "function";
  }
  return "?";
}

bool equal(const Value& a, const Value& b) {
  using Kind = Value::Kind;
  if (a.is_number() && b.is_number()) {
    if (!a.is(Kind::floating) && !b.is(Kind::floating))
      return a.as_number() == b.as_number() &&
             (a.is(Kind::boolean) || b.is(Kind::boolean) || a.as_integer() == b.as_integer());
    return a.as_number() == b.as_number();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::undefined:
    case Kind::none:
      return true;
    case Kind::string:
      return a.as_string() == b.as_string();
    case Kind::list: {
      const List& x = a.as_list();
      const List& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!equal(x[i], y[i])) return false;
      return true;
    }
    case Kind::dict: {
      const Dict& x = a.as_dict();
      const Dict& y = b.as_dict();
      if (x.size() != y.size()) return false;
      for (const auto& [key, value] : x.items()) {
        const Value* other = y.find(key);
        if (other == nullptr || !equal(value, *other)) return false;
      }
      return true;
    }
    case Kind::callable:
      return &a.as_callable() == &b.as_callable();
    default:
      return false;
  }
}

namespace {

// Python's repr(float): the shortest text that reads back as the same double (fmt's default,
// which switches to an exponent where Python does), always with a '.', 'e', 'inf' or 'nan'.
std::string float_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

void append_python_string(std::string& out, const std::string& text) {
  // Python prefers single quotes, and double quotes when the text holds a ' and no ".
  const char quote = text.find('\'') != std::string::npos && text.find('"') == std::string::npos ? '"' : '\'';
  out += quote;
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c == quote) {
          out += '\\';
          out += c;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += quote;
}

void append_repr(std::string& out, const Value& value) {
  using Kind = Value::Kind;
  switch (value.kind()) {
    case Kind::string:
      append_python_string(out, value.as_string());
      return;
    case Kind::list: {
      out += '[';
      bool first = true;
      for (const Value& item : value.as_list()) {
        if (!first) out += ", ";
        first = false;
        append_repr(out, item);
      }
      out += ']';
      return;
    }
    case Kind::dict: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.as_dict().items()) {
        if (!first) out += ", ";
        first = false;
        append_python_string(out, key);
        out += ": ";
        append_repr(out, item);
      }
      out += '}';
      return;
    }
    default:
      out += to_text(value);
  }
}

void append_json_string(std::string& out, const std::string& text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void append_json(std::string& out, const Value& value, int indent, int depth) {
  using Kind = Value::Kind;
  const std::string item_separator = indent >= 0 ? "," : ", ";
  auto newline = [&](int level) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
  };
  switch (value.kind()) {
    case Kind::undefined:
    case Kind::none:
      out += "null";
      return;
    case Kind::boolean:
      out += value.as_bool() ? "true" : "false";
      return;
    case Kind::integer:
      out += std::to_string(value.as_integer());
      return;
    case Kind::floating: {
      const double number = value.as_number();
      out += std::isnan(number)   ? "NaN"
             : std::isinf(number) ? (number > 0 ? "Infinity" : "-Infinity")
                                  : float_text(number);
      return;
    }
    case Kind::string:
      append_json_string(out, value.as_string());
      return;
    case Kind::list: {
      const List& list = value.as_list();
      if (list.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += item_separator;
        newline(depth + 1);
        append_json(out, list[i], indent, depth + 1);
      }
      newline(depth);
      out += ']';
      return;
    }
    case Kind::dict: {
      const Dict& dict = value.as_dict();
      if (dict.size() == 0) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& [key, item] : dict.items()) {
        if (!first) out += item_separator;
        first = false;
        newline(depth + 1);
        append_json_string(out, key);
        out += ": ";
        append_json(out, item, indent, depth + 1);
      }
      newline(depth);
      out += '}';
      return;
    }
    case Kind::callable:
      out += "null";
      return;
  }
}

}  // namespace

std::string to_text(const Value& value) {
  using Kind = Value::Kind;
  switch (value.kind()) {
    case Kind::undefined:
      return {};
    case Kind::none:
      return "None";
    case Kind::boolean:
      return value.as_bool() ? "True" : "False";
    case Kind::integer:
      return std::to_string(value.as_integer());
    case Kind::floating:
      return float_text(value.as_number());
    case Kind::string:
      return value.as_string();
    case Kind::callable:
      return fmt::format("<function {}>", value.as_callable().name);
    default: {
      std::string out;
      append_repr(out, value);
      return out;
    }
  }
}

std::string to_repr(const Value& value) {
  std::string out;
  append_repr(out, value);
  return out;
}

Value from_json(const nlohmann::ordered_json& json) {
  switch (json.type()) {
    case nlohmann::ordered_json::value_t::null:
      return Value::none();
    case nlohmann::ordered_json::value_t::boolean:
      return Value(json.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return Value(json.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
      // Above INT64_MAX: kept as a float, as it cannot be an int here.
      if (json.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return Value(json.get<double>());
      return Value(static_cast<std::int64_t>(json.get<std::uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float:
      return Value(json.get<double>());
    case nlohmann::ordered_json::value_t::string:
      return Value(json.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      List list;
      list.reserve(json.size());
      for (const nlohmann::ordered_json& item : json) list.push_back(from_json(item));
      return Value(std::move(list));
    }
    case nlohmann::ordered_json::value_t::object: {
      Dict dict;
      for (const auto& [key, item] : json.items()) dict.set(key, from_json(item));
      return Value(std::move(dict));
    }
    default:
      return Value::none();
  }
}

std::string to_json_text(const Value& value, int indent) {
  std::string out;
  append_json(out, value, indent, 0);
  return out;
}

}  // namespace strata::chat_template
