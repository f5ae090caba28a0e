// Decoders turn the token texts of ids back into text: ByteLevel (alphabet symbols to bytes),
// ByteFallback (<0xNN> tokens to bytes), Metaspace and Replace ("▁" to spaces), Fuse, Strip, and
// Sequence of those. Each step rewrites the list of token texts, as Hugging Face's decode_chain.
#pragma once

#include "json_node.hpp"

#include <memory>
#include <string>
#include <vector>

namespace strata::tokenization {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

// Throws Error(invalid_argument) for a type Strata does not implement, naming it.
std::unique_ptr<Decoder> make_decoder(const JsonNode& node, int depth = 0);

}  // namespace strata::tokenization
