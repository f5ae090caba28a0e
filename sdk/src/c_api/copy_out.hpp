// Results copied into the caller's buffers, with the C API's size rule: a NULL buffer asks only
// for the size; one too small is an INVALID_ARGUMENT error that writes nothing.
#pragma once

#include "c_api/status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace strata::c_api {

inline void copy_tokens_out(const std::vector<std::int32_t>& tokens, std::int32_t* out_tokens, std::size_t capacity,
                            std::size_t& out_count) {
  if (out_tokens != nullptr) {
    if (capacity < tokens.size())
      throw ArgumentError(fmt::format("out_tokens holds {} tokens; the text needs {}", capacity, tokens.size()));
    std::copy(tokens.begin(), tokens.end(), out_tokens);
  }
  out_count = tokens.size();
}

// The text and a NUL after it.
inline void copy_text_out(const std::string& text, char* out_text, std::size_t capacity, std::size_t& out_length) {
  if (out_text != nullptr) {
    if (capacity < text.size() + 1)
      throw ArgumentError(fmt::format("out_text holds {} bytes; the text needs {} and its NUL", capacity, text.size()));
    std::copy(text.begin(), text.end(), out_text);
    out_text[text.size()] = '\0';
  }
  out_length = text.size();
}

}  // namespace strata::c_api
