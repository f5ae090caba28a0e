// The committed test data of the tokenizer: the three tokenizer.json files, the corpus, and what
// Hugging Face's Rust library gave for each corpus entry (tools/tokenizer-reference.js); Llama 2's
// SentencePiece tokenizer.model and what Google's SentencePiece gave for each entry
// (tools/sentencepiece-reference.js).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
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

std::filesystem::path sentencepiece_model_path();  // Llama 2's tokenizer.model

struct SentencePieceReferenceLine {
  std::vector<std::int32_t> ids;  // of encode(text, add_special_tokens = false)
  // SentencePiece's decode of the ids; none where special tokens are written in the text (their
  // ids are then those transformers' LlamaTokenizer gives, SentencePiece's between them).
  std::optional<std::string> decoded;
};

struct SentencePieceReference {
  std::string made_by;
  std::string model_sha256;
  std::map<std::string, std::int32_t> special_tokens;  // <unk>, <s>, </s> and their ids
  std::vector<SentencePieceReferenceLine> lines;       // one per corpus entry
};

SentencePieceReference sentencepiece_reference();

}  // namespace strata_test
