#include "json_node.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

namespace strata::tokenization {

void JsonNode::fail(std::string_view problem) const {
  throw Error(StatusCode::invalid_argument,
              fmt::format("tokenizer.json: {}: {}", path_.empty() ? "the top level" : path_, problem));
}

JsonNode JsonNode::at(std::string_view key) const {
  std::optional<JsonNode> member = find(key);
  if (!member) fail(fmt::format("\"{}\" is missing", key));
  return *member;
}

std::optional<JsonNode> JsonNode::find(std::string_view key) const {
  if (!value_->is_object()) fail("is not an object");
  const auto member = value_->find(key);
  if (member == value_->end() || member->is_null()) return std::nullopt;
  return JsonNode(*member, path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key));
}

std::vector<JsonNode> JsonNode::elements() const {
  if (!value_->is_array()) fail("is not an array");
  std::vector<JsonNode> nodes;
  nodes.reserve(value_->size());
  for (std::size_t i = 0; i < value_->size(); ++i) nodes.emplace_back((*value_)[i], fmt::format("{}[{}]", path_, i));
  return nodes;
}

std::string JsonNode::as_string() const {
  if (!value_->is_string()) fail("is not a string");
  return value_->get<std::string>();
}

bool JsonNode::as_bool() const {
  if (!value_->is_boolean()) fail("is not true or false");
  return value_->get<bool>();
}

std::int64_t JsonNode::as_integer() const {
  if (!value_->is_number_integer()) fail("is not an integer");
  if (value_->is_number_unsigned() && value_->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    fail("is too large");
  }
  return value_->get<std::int64_t>();
}

bool JsonNode::bool_or(std::string_view key, bool fallback) const {
  const std::optional<JsonNode> member = find(key);
  return member ? member->as_bool() : fallback;
}

std::optional<std::string> JsonNode::optional_string(std::string_view key) const {
  const std::optional<JsonNode> member = find(key);
  if (!member) return std::nullopt;
  return member->as_string();
}

}  // namespace strata::tokenization
