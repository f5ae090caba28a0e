// Hugging Face tokenizers through the C API: open a tokenizer.json, encode and decode.
#include "c_api/copy_out.hpp"
#include "c_api/status.hpp"

#include <strata/strata.h>
#include <strata/tokenizer.hpp>

#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

struct strata_tokenizer {
  strata::Tokenizer tokenizer;
};

using namespace strata::c_api;

extern "C" {

strata_status_code strata_tokenizer_open(const char* path, strata_tokenizer** out_tokenizer) {
  return guarded("strata_tokenizer_open", [&] {
    std::filesystem::path file = required_text(path, "path");
    strata_tokenizer*& out = required(out_tokenizer, "out_tokenizer");
    if (std::filesystem::is_directory(file)) file /= "tokenizer.json";
    out = std::make_unique<strata_tokenizer>(strata_tokenizer{strata::Tokenizer::from_file(file)}).release();
  });
}

void strata_tokenizer_destroy(strata_tokenizer* tokenizer) { delete tokenizer; }

size_t strata_tokenizer_vocab_size(const strata_tokenizer* tokenizer) {
  return tokenizer == nullptr ? 0 : tokenizer->tokenizer.vocab_size();
}

strata_status_code strata_tokenizer_encode(const strata_tokenizer* tokenizer, const char* text, size_t length,
                                           int32_t add_special_tokens, int32_t* out_tokens, size_t capacity,
                                           size_t* out_count) {
  return guarded("strata_tokenizer_encode", [&] {
    const strata::Tokenizer& from = required(tokenizer, "tokenizer").tokenizer;
    size_t& count = required(out_count, "out_count");
    if (length > 0) required_text(text, "text");
    copy_tokens_out(from.encode(std::string_view(text, length), add_special_tokens != 0), out_tokens, capacity, count);
  });
}

strata_status_code strata_tokenizer_decode(const strata_tokenizer* tokenizer, const int32_t* tokens, size_t count,
                                           int32_t skip_special_tokens, char* out_text, size_t capacity,
                                           size_t* out_length) {
  return guarded("strata_tokenizer_decode", [&] {
    const strata::Tokenizer& from = required(tokenizer, "tokenizer").tokenizer;
    size_t& length = required(out_length, "out_length");
    if (count > 0) required(tokens, "tokens");
    copy_text_out(from.decode(std::span(tokens, count), skip_special_tokens != 0), out_text, capacity, length);
  });
}

}  // extern "C"
