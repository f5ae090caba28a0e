// The byte-level text helpers through the C API, copying into the caller's buffers.
#include "c_api/copy_out.hpp"
#include "c_api/status.hpp"

#include <strata/strata.h>
#include <strata/generate.hpp>

#include <span>
#include <string_view>

using namespace strata::c_api;

extern "C" {

strata_status_code strata_text_to_byte_tokens(const char* text, size_t length, int32_t* out_tokens, size_t capacity,
                                              size_t* out_count) {
  return guarded("strata_text_to_byte_tokens", [&] {
    size_t& count = required(out_count, "out_count");
    if (length > 0) required_text(text, "text");
    copy_tokens_out(strata::text_to_byte_tokens(std::string_view(text, length)), out_tokens, capacity, count);
  });
}

strata_status_code strata_byte_tokens_to_text(const int32_t* tokens, size_t count, char* out_text, size_t capacity,
                                              size_t* out_length) {
  return guarded("strata_byte_tokens_to_text", [&] {
    size_t& length = required(out_length, "out_length");
    if (count > 0) required(tokens, "tokens");
    // Checked in full before the size is answered: a size query for text that cannot exist fails.
    copy_text_out(strata::byte_tokens_to_text(std::span(tokens, count)), out_text, capacity, length);
  });
}

}  // extern "C"
