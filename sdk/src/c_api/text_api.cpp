// The byte-level text helpers through the C API, copying into the caller's buffers.
#include "c_api/status.hpp"

#include <strata/strata.h>
#include <strata/generate.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <string>
#include <string_view>

using namespace strata::c_api;

extern "C" {

strata_status_code strata_text_to_byte_tokens(const char* text, size_t length, int32_t* out_tokens, size_t capacity,
                                              size_t* out_count) {
  return guarded("strata_text_to_byte_tokens", [&] {
    size_t& count = required(out_count, "out_count");
    if (length > 0) required_text(text, "text");
    if (out_tokens == nullptr) {
      count = length;
      return;
    }
    if (capacity < length)
      throw ArgumentError(fmt::format("out_tokens holds {} tokens; the text needs {}", capacity, length));
    const std::vector<std::int32_t> tokens = strata::text_to_byte_tokens(std::string_view(text, length));
    std::copy(tokens.begin(), tokens.end(), out_tokens);
    count = tokens.size();
  });
}

strata_status_code strata_byte_tokens_to_text(const int32_t* tokens, size_t count, char* out_text, size_t capacity,
                                              size_t* out_length) {
  return guarded("strata_byte_tokens_to_text", [&] {
    size_t& length = required(out_length, "out_length");
    if (count > 0) required(tokens, "tokens");
    // Checked in full before the size is answered: a size query for text that cannot exist fails.
    const std::string text = strata::byte_tokens_to_text(std::span(tokens, count));
    if (out_text == nullptr) {
      length = text.size();
      return;
    }
    if (capacity < text.size() + 1)
      throw ArgumentError(fmt::format("out_text holds {} bytes; the text needs {} and its NUL", capacity, text.size()));
    std::copy(text.begin(), text.end(), out_text);
    out_text[text.size()] = '\0';
    length = text.size();
  });
}

}  // extern "C"
