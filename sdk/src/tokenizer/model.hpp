// The model turns one pre-tokenized word into ids. Strata implements BPE (byte-level and with
// byte fallback); other model types are refused by name.
#pragma once

#include "json_node.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::tokenization {

class Model {
 public:
  virtual ~Model() = default;
  // Appends the ids of `word` to `ids`.
  virtual void tokenize(std::string_view word, std::vector<std::int32_t>& ids) const = 0;
  virtual std::optional<std::int32_t> token_to_id(std::string_view token) const = 0;
  virtual const std::string* id_to_token(std::int32_t id) const = 0;
  // How many tokens the vocabulary holds.
  virtual std::size_t vocab_size() const = 0;
};

std::unique_ptr<Model> make_model(const JsonNode& node);

}  // namespace strata::tokenization
