// Hugging Face tokenizers through the C API: open a tokenizer.json (or a SentencePiece
// tokenizer.model), encode and decode.
#include "c_api/copy_out.hpp"
#include "c_api/status.hpp"

#include <strata/strata.h>
#include <strata/error.hpp>
#include <strata/tokenizer.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

struct strata_tokenizer {
  strata::Tokenizer tokenizer;
};

using namespace strata::c_api;

namespace {

// A model folder (its tokenizer.json, else its tokenizer.model), a SentencePiece *.model file, or
// a tokenizer.json.
strata::Tokenizer open_tokenizer(const std::filesystem::path& path) {
  if (std::filesystem::is_directory(path)) {
    if (std::optional<strata::Tokenizer> tokenizer = strata::Tokenizer::from_model_dir(path)) {
      return std::move(*tokenizer);
    }
    throw strata::Error(strata::StatusCode::invalid_argument,
                        fmt::format("{} is not there, nor is {}", (path / "tokenizer.json").string(),
                                    (path / "tokenizer.model").string()));
  }
  if (path.extension() == ".model") return strata::Tokenizer::from_sentencepiece_file(path);
  return strata::Tokenizer::from_file(path);
}

}  // namespace

extern "C" {

strata_status_code strata_tokenizer_open(const char* path, strata_tokenizer** out_tokenizer) {
  return guarded("strata_tokenizer_open", [&] {
    const std::filesystem::path file = required_text(path, "path");
    strata_tokenizer*& out = required(out_tokenizer, "out_tokenizer");
    out = std::make_unique<strata_tokenizer>(strata_tokenizer{open_tokenizer(file)}).release();
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
