// The committed test data of the tokenizer: the three tokenizer.json files, the corpus, and what
// Hugging Face's Rust library gave for each corpus entry (tools/tokenizer-reference.js).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace strata_test {

inline const std::vector<std::string> reference_tokenizers = {"qwen3", "llama3", "llama2"};

std::filesystem::path tokenizer_json_path(std::string_view name);
std::vector<std::string> tokenizer_corpus();

struct ReferenceLine {
  std::vector<std::int32_t> ids;
  std::vector<std::int32_t> ids_with_special_tokens;
  std::string decoded;                          // of ids_with_special_tokens, special tokens kept
  std::string decoded_skipping_special_tokens;  // and skipped
};

struct Reference {
  std::string made_by;
  std::size_t vocab_size = 0;
  std::vector<ReferenceLine> lines;  // one per corpus entry
};

Reference tokenizer_reference(std::string_view name);

}  // namespace strata_test
