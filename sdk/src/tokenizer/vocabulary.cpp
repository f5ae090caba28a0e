#include "vocabulary.hpp"

#include "component_limits.hpp"

#include <fmt/format.h>

namespace strata::tokenization {
namespace {

std::optional<std::int32_t> token_id(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto id = value.get<std::uint64_t>();
    if (id <= static_cast<std::uint64_t>(max_token_id)) return static_cast<std::int32_t>(id);
  } else if (value.is_number_integer()) {
    const auto id = value.get<std::int64_t>();
    if (id >= 0 && id <= max_token_id) return static_cast<std::int32_t>(id);
  }
  return std::nullopt;
}

}  // namespace

Vocabulary Vocabulary::from_json(const JsonNode& node) {
  const nlohmann::json& entries = node.value();
  if (!entries.is_object()) node.fail("is not an object of token -> id");
  Vocabulary vocabulary;
  vocabulary.ids_.reserve(entries.size());
  std::int64_t largest = -1;
  // The raw JSON is read directly here: this runs once per token, and a JsonNode (with its path)
  // is made only to report an error.
  for (auto entry = entries.begin(); entry != entries.end(); ++entry) {
    const nlohmann::json& value = entry.value();
    const std::optional<std::int32_t> id = token_id(value);
    if (!id) {
      node.fail(fmt::format("{}: the id {} is not a whole number in 0..{}", nlohmann::json(entry.key()).dump(),
                            value.dump(), max_token_id));
    }
    vocabulary.ids_.emplace(entry.key(), *id);
    largest = std::max<std::int64_t>(largest, *id);
  }
  vocabulary.tokens_.resize(static_cast<std::size_t>(largest + 1));
  vocabulary.has_token_.resize(static_cast<std::size_t>(largest + 1));
  for (const auto& [token, id] : vocabulary.ids_) {
    // Two tokens with one id (a broken file): keep the smaller, so the choice does not depend on
    // hashing.
    const auto index = static_cast<std::size_t>(id);
    if (!vocabulary.has_token_[index] || token < vocabulary.tokens_[index]) vocabulary.tokens_[index] = token;
    vocabulary.has_token_[index] = true;
  }
  return vocabulary;
}

}  // namespace strata::tokenization
