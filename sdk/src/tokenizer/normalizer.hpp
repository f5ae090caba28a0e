// Normalizers rewrite the text between added tokens before it is split into words: Unicode
// normal forms, Prepend and Replace (how Llama 2 and Mistral turn spaces into "▁"), Lowercase,
// Strip, and Sequence of those.
#pragma once

#include "json_node.hpp"

#include <memory>
#include <string>

namespace strata::tokenization {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// Throws Error(invalid_argument) for a type Strata does not implement, naming it.
std::unique_ptr<Normalizer> make_normalizer(const JsonNode& node, int depth = 0);

}  // namespace strata::tokenization
