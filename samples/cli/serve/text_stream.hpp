// A job's new tokens as text, piece by piece, as generate_text makes it: each id decoded as it
// comes (by the model's tokenizer, or as a byte for byte-level models), then cut at the first
// stop string. What push() returns is final, so it can be streamed at once.
#pragma once

#include <strata/text_generation.hpp>
#include <strata/tokenizer.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace strata::cli::serve {

class TextStream {
 public:
  // `tokenizer`: null for a byte-level model (id = byte value). Special tokens are left out of
  // the text.
  TextStream(const Tokenizer* tokenizer, std::vector<std::string> stop_strings);

  // The text `token` makes final: empty while a character or a possible stop string is
  // incomplete, and nothing more once a stop string has been found.
  std::string push(std::int32_t token);
  // At the end of the generation: what was held back (not after a stop string).
  std::string finish();
  // A stop string was found: the text ends before it.
  bool stopped() const { return matcher_.stopped(); }

 private:
  std::optional<TokenStreamDecoder> decoder_;
  std::string partial_character_;  // byte-level models: the start of a UTF-8 character
  StopStringMatcher matcher_;
};

}  // namespace strata::cli::serve
