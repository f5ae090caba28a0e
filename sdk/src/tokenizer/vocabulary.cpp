#include "vocabulary.hpp"

#include "component_limits.hpp"

#include <fmt/format.h>

namespace strata::tokenization {

Vocabulary Vocabulary::from_json(const JsonNode& node) {
  if (!node.value().is_object()) node.fail("is not an object of token -> id");
  Vocabulary vocabulary;
  vocabulary.ids_.reserve(node.value().size());
  std::int64_t largest = -1;
  for (const auto& [token, id_value] : node.value().items()) {
    const std::int64_t id = JsonNode(id_value, node.path() + "[" + nlohmann::json(token).dump() + "]").as_integer();
    if (id < 0 || id > max_token_id) {
      node.fail(fmt::format("the id {} of {} is outside 0..{}", id, nlohmann::json(token).dump(), max_token_id));
    }
    vocabulary.ids_.emplace(token, static_cast<std::int32_t>(id));
    largest = std::max(largest, id);
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
