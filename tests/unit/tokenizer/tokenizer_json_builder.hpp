// Small tokenizer.json documents for the component tests: a BPE model from a list of tokens
// (ids in list order) and merges, and the other components given as JSON.
#pragma once

#include <strata/tokenizer.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace strata_test {

inline nlohmann::json bpe_model(const std::vector<std::string>& tokens, const std::vector<std::string>& merges) {
  nlohmann::json vocab = nlohmann::json::object();
  for (std::size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
  return {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}};
}

// A tokenizer.json with `model` and whichever of normalizer, pre_tokenizer, post_processor,
// decoder and added_tokens `parts` sets.
inline nlohmann::json tokenizer_json(const nlohmann::json& model,
                                     const nlohmann::json& parts = nlohmann::json::object()) {
  nlohmann::json document = {{"version", "1.0"},
                             {"truncation", nullptr},
                             {"padding", nullptr},
                             {"added_tokens", nlohmann::json::array()},
                             {"normalizer", nullptr},
                             {"pre_tokenizer", nullptr},
                             {"post_processor", nullptr},
                             {"decoder", nullptr},
                             {"model", model}};
  for (const auto& [key, value] : parts.items()) document[key] = value;
  return document;
}

inline strata::Tokenizer make_tokenizer(const nlohmann::json& document) {
  return strata::Tokenizer::from_json(document.dump());
}

inline nlohmann::json added_token(int id, const std::string& content, bool special,
                                  const nlohmann::json& flags = nlohmann::json::object()) {
  nlohmann::json token = {{"id", id},        {"content", content}, {"special", special},  {"normalized", false},
                          {"lstrip", false}, {"rstrip", false},    {"single_word", false}};
  for (const auto& [key, value] : flags.items()) token[key] = value;
  return token;
}

}  // namespace strata_test
