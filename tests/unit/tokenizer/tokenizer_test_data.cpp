#include "tokenizer_test_data.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace strata_test {
namespace {

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream stream(path);
  if (!stream) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << stream.rdbuf();
  return nlohmann::json::parse(text.str());
}

}  // namespace

std::filesystem::path tokenizer_json_path(std::string_view name) {
  return std::filesystem::path(STRATA_TOKENIZER_DATA) / name / "tokenizer.json";
}

std::vector<std::string> tokenizer_corpus() {
  return read_json(std::filesystem::path(STRATA_TOKENIZER_REFERENCE) / "corpus.json").get<std::vector<std::string>>();
}

Reference tokenizer_reference(std::string_view name) {
  const nlohmann::json json =
      read_json(std::filesystem::path(STRATA_TOKENIZER_REFERENCE) / "reference" / (std::string(name) + ".json"));
  Reference reference;
  reference.made_by = json.at("made_by").get<std::string>();
  reference.vocab_size = json.at("vocab_size").get<std::size_t>();
  for (const nlohmann::json& line : json.at("lines")) {
    reference.lines.push_back({line.at("ids").get<std::vector<std::int32_t>>(),
                               line.at("ids_with_special_tokens").get<std::vector<std::int32_t>>(),
                               line.at("decoded").get<std::string>(),
                               line.at("decoded_skipping_special_tokens").get<std::string>()});
  }
  return reference;
}

std::filesystem::path sentencepiece_model_path() {
  return std::filesystem::path(STRATA_TOKENIZER_REFERENCE) / "llama2-sentencepiece" / "tokenizer.model";
}

SentencePieceReference sentencepiece_reference() {
  const nlohmann::json json =
      read_json(std::filesystem::path(STRATA_TOKENIZER_REFERENCE) / "llama2-sentencepiece" / "reference.json");
  SentencePieceReference reference;
  reference.made_by = json.at("made_by").get<std::string>();
  reference.model_sha256 = json.at("model_sha256").get<std::string>();
  reference.special_tokens = json.at("special_tokens").get<std::map<std::string, std::int32_t>>();
  for (const nlohmann::json& line : json.at("lines")) {
    SentencePieceReferenceLine entry;
    entry.ids = line.at("ids").get<std::vector<std::int32_t>>();
    if (line.contains("decoded")) entry.decoded = line.at("decoded").get<std::string>();
    reference.lines.push_back(std::move(entry));
  }
  return reference;
}

}  // namespace strata_test
