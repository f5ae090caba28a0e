// BPE as tokenizer.json describes it: the vocabulary, the merges ("a b" strings or [a, b]
// pairs), unknown characters as the unk token (fused or not) or, with byte_fallback, as <0xNN>
// byte tokens, ignore_merges (a word in the vocabulary is one token whatever the merges say),
// and the continuing-subword prefix and end-of-word suffix of some older vocabularies.
#include "bpe_merges.hpp"
#include "model.hpp"
#include "utf8.hpp"
#include "vocabulary.hpp"
#include "word_cache.hpp"

#include <fmt/format.h>

#include <array>

namespace strata::tokenization {
namespace {

struct BpeOptions {
  std::optional<std::string> unk_token;
  std::string continuing_subword_prefix;
  std::string end_of_word_suffix;
  bool fuse_unk = false;
  bool byte_fallback = false;
  bool ignore_merges = false;
};

class BpeModel final : public Model {
 public:
  BpeModel(Vocabulary vocabulary, MergeTable merges, BpeOptions options)
      : vocabulary_(std::move(vocabulary)), merges_(std::move(merges)), options_(std::move(options)) {
    for (unsigned byte = 0; byte < 256; ++byte) {
      byte_ids_[byte] = vocabulary_.find(fmt::format("<0x{:02X}>", byte)).value_or(-1);
    }
    if (options_.unk_token) unk_id_ = vocabulary_.find(*options_.unk_token);
  }

  void tokenize(std::string_view word, std::vector<std::int32_t>& ids) const override {
    if (word.empty()) return;
    if (options_.ignore_merges) {
      if (const auto id = vocabulary_.find(word)) {
        ids.push_back(*id);
        return;
      }
    }
    if (cache_.append(word, ids)) return;
    thread_local std::vector<std::int32_t> symbols;
    symbols.clear();
    initial_symbols(word, symbols);
    merge_word(symbols, merges_);
    cache_.store(word, symbols.data(), symbols.size());
    ids.insert(ids.end(), symbols.begin(), symbols.end());
  }

  std::optional<std::int32_t> token_to_id(std::string_view token) const override { return vocabulary_.find(token); }
  const std::string* id_to_token(std::int32_t id) const override { return vocabulary_.token(id); }
  std::size_t vocab_size() const override { return vocabulary_.size(); }

 private:
  // One symbol per character (with the prefix or suffix where they apply); a character missing
  // from the vocabulary becomes its byte tokens, else the unk token, else nothing.
  void initial_symbols(std::string_view word, std::vector<std::int32_t>& symbols) const {
    bool pending_unk = false;
    std::string decorated;
    for (std::size_t position = 0; position < word.size();) {
      const std::size_t length = code_point_at(word, position).length;
      std::string_view character = word.substr(position, length);
      const bool first = position == 0;
      position += length;
      const bool last = position == word.size();
      if ((!first && !options_.continuing_subword_prefix.empty()) || (last && !options_.end_of_word_suffix.empty())) {
        decorated.assign(first ? std::string_view() : options_.continuing_subword_prefix);
        decorated.append(character);
        if (last) decorated.append(options_.end_of_word_suffix);
        character = decorated;
      }
      if (const auto id = vocabulary_.find(character)) {
        if (pending_unk) symbols.push_back(*unk_id_);
        pending_unk = false;
        symbols.push_back(*id);
        continue;
      }
      if (options_.byte_fallback && all_bytes_known(character)) {
        // As Hugging Face does, a pending unk is not written before byte tokens: it goes on.
        for (char byte : character) symbols.push_back(byte_ids_[static_cast<unsigned char>(byte)]);
        continue;
      }
      if (unk_id_) {
        if (pending_unk && !options_.fuse_unk) symbols.push_back(*unk_id_);
        pending_unk = true;
      }
    }
    if (pending_unk) symbols.push_back(*unk_id_);
  }

  bool all_bytes_known(std::string_view text) const {
    for (char byte : text) {
      if (byte_ids_[static_cast<unsigned char>(byte)] < 0) return false;
    }
    return true;
  }

  Vocabulary vocabulary_;
  MergeTable merges_;
  BpeOptions options_;
  std::array<std::int32_t, 256> byte_ids_{};
  std::optional<std::int32_t> unk_id_;
  WordCache cache_;
};

// "a b" (the older form: one space between the two tokens) or ["a", "b"]; false when it is neither.
bool read_merge(const nlohmann::json& entry, std::string_view& left, std::string_view& right) {
  if (entry.is_string()) {
    const std::string& line = entry.get_ref<const std::string&>();
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) return false;
    left = std::string_view(line).substr(0, space);
    right = std::string_view(line).substr(space + 1);
    return true;
  }
  if (!entry.is_array() || entry.size() != 2 || !entry[0].is_string() || !entry[1].is_string()) return false;
  left = entry[0].get_ref<const std::string&>();
  right = entry[1].get_ref<const std::string&>();
  return true;
}

MergeTable merge_table(const JsonNode& node, const Vocabulary& vocabulary, const std::string& prefix) {
  const nlohmann::json& entries = node.value();
  if (!entries.is_array()) node.fail("is not an array");
  MergeTable merges;
  merges.reserve(entries.size());
  std::string merged;
  // Read without a JsonNode per entry (hundreds of thousands of them): one is made for an error.
  for (std::size_t rank = 0; rank < entries.size(); ++rank) {
    auto entry_error = [&](std::string_view problem) {
      JsonNode(entries[rank], fmt::format("{}[{}]", node.path(), rank)).fail(problem);
    };
    std::string_view left, right;
    if (!read_merge(entries[rank], left, right)) entry_error("is not two tokens, as \"a b\" or [\"a\", \"b\"]");
    const auto left_id = vocabulary.find(left);
    const auto right_id = vocabulary.find(right);
    // The right part carries the continuing prefix, which the merged token has only once.
    merged.assign(left);
    merged.append(right.starts_with(prefix) ? right.substr(prefix.size()) : right);
    const auto merged_id = vocabulary.find(merged);
    if (!left_id || !right_id || !merged_id) {
      entry_error(fmt::format("merges tokens that are not in the vocabulary ({})", !left_id ? left
                                                                                   : !right_id
                                                                                       ? right
                                                                                       : std::string_view(merged)));
    }
    merges.add(*left_id, *right_id, {static_cast<std::int32_t>(rank), *merged_id});
  }
  return merges;
}

}  // namespace

std::unique_ptr<Model> make_model(const JsonNode& node) {
  // Files from before the "type" field had it implied: BPE is the model with merges.
  const std::optional<std::string> declared = node.optional_string("type");
  if (!declared && !node.find("merges")) node.fail("\"type\" is missing");
  const std::string type = declared.value_or("BPE");
  if (type != "BPE") {
    node.fail(fmt::format("the model type \"{}\" is not supported (Strata has BPE)", type));
  }
  if (const auto dropout = node.find("dropout")) {
    if (!dropout->value().is_number() || dropout->value().get<double>() != 0.0) {
      dropout->fail("BPE dropout (random merges, for training) is not supported");
    }
  }
  BpeOptions options;
  options.unk_token = node.optional_string("unk_token");
  options.continuing_subword_prefix = node.optional_string("continuing_subword_prefix").value_or("");
  options.end_of_word_suffix = node.optional_string("end_of_word_suffix").value_or("");
  options.fuse_unk = node.bool_or("fuse_unk", false);
  options.byte_fallback = node.bool_or("byte_fallback", false);
  options.ignore_merges = node.bool_or("ignore_merges", false);
  Vocabulary vocabulary = Vocabulary::from_json(node.at("vocab"));
  if (options.unk_token && !vocabulary.find(*options.unk_token)) {
    node.at("unk_token").fail(fmt::format("\"{}\" is not in the vocabulary", *options.unk_token));
  }
  MergeTable merges = merge_table(node.at("merges"), vocabulary, options.continuing_subword_prefix);
  return std::make_unique<BpeModel>(std::move(vocabulary), std::move(merges), std::move(options));
}

}  // namespace strata::tokenization
