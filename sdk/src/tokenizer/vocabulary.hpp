// Token text <-> id, both ways in constant time; looked up by string_view without copying.
#pragma once

#include "json_node.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strata::tokenization {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

class Vocabulary {
 public:
  // From an object of token -> id; ids must lie in 0..max_token_id.
  static Vocabulary from_json(const JsonNode& node);

  std::optional<std::int32_t> find(std::string_view token) const {
    const auto entry = ids_.find(token);
    if (entry == ids_.end()) return std::nullopt;
    return entry->second;
  }
  // Null for an id that no token has.
  const std::string* token(std::int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size() || !has_token_[static_cast<std::size_t>(id)]) {
      return nullptr;
    }
    return &tokens_[static_cast<std::size_t>(id)];
  }
  std::size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, std::int32_t, StringHash, std::equal_to<>> ids_;
  std::vector<std::string> tokens_;
  std::vector<bool> has_token_;
};

}  // namespace strata::tokenization
