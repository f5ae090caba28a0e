// Reads the fields of a config.json strictly: a field of the wrong type or out of range is an
// Error naming the file and the field, never a silent default. Shared by the parts of the
// config's reader (model_config.cpp, rope_config.cpp).
#pragma once

#include <strata/error.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace strata::detail {

class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& root, std::string_view source) : root_(root), source_(source) {}

  [[noreturn]] void fail(std::string_view field, std::string_view why,
                         StatusCode code = StatusCode::invalid_argument) const {
    throw Error(code, fmt::format("{}: field '{}' {}", source_, field, why));
  }

  const nlohmann::json* get(const nlohmann::json& object, std::string_view field) const {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }
  const nlohmann::json* get(std::string_view field) const { return get(root_, field); }
  const nlohmann::json& root() const { return root_; }

  std::int64_t integer(const nlohmann::json* value, std::string_view field, std::int64_t low, std::int64_t high) const {
    if (!value->is_number_integer()) fail(field, fmt::format("must be an integer, got {}", value->type_name()));
    if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(high))
      fail(field, fmt::format("must lie in {}..{}, got {}", low, high, value->get<std::uint64_t>()));
    const auto number = value->get<std::int64_t>();
    if (number < low || number > high) fail(field, fmt::format("must lie in {}..{}, got {}", low, high, number));
    return number;
  }
  std::int64_t required_integer(std::string_view field, std::int64_t low, std::int64_t high) const {
    const nlohmann::json* value = get(field);
    if (!value) fail(field, "is missing");
    return integer(value, field, low, high);
  }
  std::int64_t optional_integer(std::string_view field, std::int64_t fallback, std::int64_t low,
                                std::int64_t high) const {
    const nlohmann::json* value = get(field);
    return value ? integer(value, field, low, high) : fallback;
  }

  double real(const nlohmann::json* value, std::string_view field, double low, double high) const {
    if (!value->is_number()) fail(field, fmt::format("must be a number, got {}", value->type_name()));
    const auto number = value->get<double>();
    if (!std::isfinite(number) || number < low || number > high)
      fail(field, fmt::format("must lie in {:g}..{:g}, got {}", low, high, number));
    return number;
  }

  bool boolean(std::string_view field, bool fallback) const {
    const nlohmann::json* value = get(field);
    if (!value) return fallback;
    if (!value->is_boolean()) fail(field, fmt::format("must be true or false, got {}", value->type_name()));
    return value->get<bool>();
  }

  std::string text(const nlohmann::json* value, std::string_view field) const {
    if (!value->is_string()) fail(field, fmt::format("must be a string, got {}", value->type_name()));
    return value->get<std::string>();
  }

 private:
  const nlohmann::json& root_;
  std::string_view source_;
};

}  // namespace strata::detail
