// UTF-8 as the tokenizer needs it: walking code points, validating input, and turning decoded
// bytes back into text the way Hugging Face does (each maximal invalid subpart becomes U+FFFD).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::tokenization {

inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";  // U+FFFD

// The code point starting at `position` of valid UTF-8 `text`, and its length in bytes.
struct CodePoint {
  char32_t value;
  std::size_t length;
};
CodePoint code_point_at(std::string_view text, std::size_t position);

// The length of the valid UTF-8 sequence at `position`, or 0 when the bytes there are not one
// (truncated, overlong, a surrogate, beyond U+10FFFF, a stray continuation byte).
std::size_t valid_sequence_length(std::string_view bytes, std::size_t position);

bool is_valid_utf8(std::string_view bytes);
void append_utf8(std::string& out, char32_t code_point);

// `bytes` as text: valid sequences kept, each maximal subpart of an invalid one replaced by one
// U+FFFD (Unicode's recommended practice, which Rust's from_utf8_lossy follows).
std::string lossy_utf8(std::string_view bytes);

}  // namespace strata::tokenization
