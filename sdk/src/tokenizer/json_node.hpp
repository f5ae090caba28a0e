// A node of tokenizer.json with the path that leads to it, so that every error names the place
// ("tokenizer.json: pre_tokenizer.pretokenizers[1].pattern: ..."), and typed accessors that
// refuse a value of the wrong type instead of converting it.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::tokenization {

class JsonNode {
 public:
  JsonNode(const nlohmann::json& value, std::string path) : value_(&value), path_(std::move(path)) {}

  const nlohmann::json& value() const { return *value_; }
  const std::string& path() const { return path_; }
  bool is_null() const { return value_->is_null(); }

  // A required member; a missing or null one is an error.
  JsonNode at(std::string_view key) const;
  // An optional member: nullopt when missing or null.
  std::optional<JsonNode> find(std::string_view key) const;
  std::vector<JsonNode> elements() const;  // of an array

  std::string as_string() const;
  bool as_bool() const;
  std::int64_t as_integer() const;

  std::string string_at(std::string_view key) const { return at(key).as_string(); }
  bool bool_or(std::string_view key, bool fallback) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  // The "type" of a component.
  std::string type() const { return string_at("type"); }

  [[noreturn]] void fail(std::string_view problem) const;

 private:
  const nlohmann::json* value_;
  std::string path_;
};

}  // namespace strata::tokenization
