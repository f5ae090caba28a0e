#include "added_vocabulary.hpp"

#include "component_limits.hpp"
#include "unicode_properties.hpp"
#include "utf8.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace strata::tokenization {
namespace {

char32_t last_code_point(std::string_view text) {
  std::size_t start = text.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return code_point_at(text, start).value;
}

// Where the whitespace that ends `text` begins.
std::size_t trailing_whitespace_start(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    if (!is_whitespace(code_point_at(text, start).value)) break;
    end = start;
  }
  return end;
}

std::size_t leading_whitespace_length(std::string_view text) {
  std::size_t length = 0;
  while (length < text.size()) {
    const CodePoint c = code_point_at(text, length);
    if (!is_whitespace(c.value)) break;
    length += c.length;
  }
  return length;
}

}  // namespace

void TokenTrie::insert(std::string_view text, std::int32_t token_index) {
  std::int32_t node = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    auto& children = nodes_[static_cast<std::size_t>(node)].children;
    const auto child = std::lower_bound(children.begin(), children.end(), byte,
                                        [](const auto& entry, unsigned char value) { return entry.first < value; });
    if (child != children.end() && child->first == byte) {
      node = child->second;
      continue;
    }
    const auto next = static_cast<std::int32_t>(nodes_.size());
    children.insert(child, {byte, next});
    nodes_.emplace_back();
    node = next;
  }
  nodes_[static_cast<std::size_t>(node)].token_index = token_index;
  if (!text.empty()) first_bytes_[static_cast<unsigned char>(text.front())] = true;
}

std::optional<std::pair<std::int32_t, std::size_t>> TokenTrie::longest_at(std::string_view text,
                                                                          std::size_t position) const {
  std::optional<std::pair<std::int32_t, std::size_t>> longest;
  std::size_t node = 0;
  for (std::size_t at = position; at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    const auto& children = nodes_[node].children;
    const auto child = std::lower_bound(children.begin(), children.end(), byte,
                                        [](const auto& entry, unsigned char value) { return entry.first < value; });
    if (child == children.end() || child->first != byte) break;
    node = static_cast<std::size_t>(child->second);
    if (nodes_[node].token_index >= 0) longest.emplace(nodes_[node].token_index, at + 1 - position);
  }
  return longest;
}

AddedVocabulary::AddedVocabulary(const std::vector<AddedToken>& tokens, const Model& model,
                                 const Normalizer* normalizer) {
  std::int32_t next_id = static_cast<std::int32_t>(model.vocab_size());
  for (const AddedToken& token : tokens) {
    if (token.content.empty()) continue;
    if (token.content.size() > max_added_token_bytes) {
      throw Error(StatusCode::invalid_argument,
                  fmt::format("tokenizer.json: added_tokens: the token of id {} is longer than {} bytes", token.id,
                              max_added_token_bytes));
    }
    if (token.special) special_contents_.emplace(token.content, true);
    AddedToken placed = token;
    if (const auto known = find(token.content)) {
      placed.id = *known;
    } else if (const auto in_model = model.token_to_id(token.content)) {
      placed.id = *in_model;
    } else {
      placed.id = next_id++;
    }
    ids_by_content_[placed.content] = placed.id;
    const auto existing = index_by_id_.find(placed.id);
    if (existing != index_by_id_.end()) {
      tokens_[existing->second] = placed;  // a later token of the same id replaces the earlier
    } else {
      index_by_id_.emplace(placed.id, tokens_.size());
      tokens_.push_back(placed);
    }
  }
  for (const AddedToken& token : tokens_) {
    const auto trie_index = static_cast<std::int32_t>(trie_ids_.size());
    trie_ids_.push_back(token.id);
    if (token.normalized) {
      std::string normalized_content = token.content;
      if (normalizer != nullptr) normalizer->normalize(normalized_content);
      normalized_trie_.insert(normalized_content, trie_index);
    } else {
      raw_trie_.insert(token.content, trie_index);
    }
  }
}

std::optional<std::int32_t> AddedVocabulary::find(std::string_view content) const {
  const auto entry = ids_by_content_.find(content);
  if (entry == ids_by_content_.end()) return std::nullopt;
  return entry->second;
}

const AddedToken* AddedVocabulary::token(std::int32_t id) const {
  const auto entry = index_by_id_.find(id);
  return entry == index_by_id_.end() ? nullptr : &tokens_[entry->second];
}

bool AddedVocabulary::is_special_content(std::string_view content) const {
  return special_contents_.find(content) != special_contents_.end();
}

std::vector<AddedVocabulary::TokenMatch> AddedVocabulary::find_tokens(std::string_view text,
                                                                      const TokenTrie& trie) const {
  std::vector<TokenMatch> matches;
  std::size_t taken_until = 0;  // the end of the last match kept, with what it stripped
  for (std::size_t position = 0; position < text.size();) {
    if (!trie.can_start(static_cast<unsigned char>(text[position]))) {
      ++position;
      continue;
    }
    const auto longest = trie.longest_at(text, position);
    if (!longest) {
      ++position;
      continue;
    }
    std::size_t begin = position;
    std::size_t end = position + longest->second;
    // The search goes on after the token itself, whatever the rules below decide.
    position = end;
    const std::int32_t id = trie_ids_[static_cast<std::size_t>(longest->first)];
    const AddedToken& token = *this->token(id);
    if (begin < taken_until) continue;  // inside what the previous token stripped
    if (token.single_word) {
      const bool word_before = begin > 0 && is_word_character(last_code_point(text.substr(0, begin)));
      const bool word_after = end < text.size() && is_word_character(code_point_at(text, end).value);
      if (word_before || word_after) continue;
    }
    if (token.lstrip) begin = std::max(trailing_whitespace_start(text.substr(0, begin)), taken_until);
    if (token.rstrip) end += leading_whitespace_length(text.substr(end));
    matches.push_back({begin, end, id});
    taken_until = end;
  }
  return matches;
}

std::vector<Segment> AddedVocabulary::split(std::string_view text, const Normalizer* normalizer) const {
  std::vector<Segment> segments;
  auto add_text = [&](std::string piece, bool starts_text) {
    if (!piece.empty()) segments.push_back({std::move(piece), -1, starts_text});
  };
  // Between raw matches: normalize, then look for the normalized tokens in what came out.
  auto add_between = [&](std::string_view raw, bool starts_text) {
    if (raw.empty()) return;
    std::string normalized(raw);
    if (normalizer != nullptr) normalizer->normalize(normalized);
    std::size_t previous = 0;
    for (const TokenMatch& match : find_tokens(normalized, normalized_trie_)) {
      add_text(normalized.substr(previous, match.begin - previous), starts_text && previous == 0);
      segments.push_back({normalized.substr(match.begin, match.end - match.begin), match.id, false});
      previous = match.end;
    }
    add_text(normalized.substr(previous), starts_text && previous == 0);
  };
  std::size_t previous = 0;
  for (const TokenMatch& match : find_tokens(text, raw_trie_)) {
    add_between(text.substr(previous, match.begin - previous), previous == 0);
    segments.push_back({std::string(text.substr(match.begin, match.end - match.begin)), match.id, false});
    previous = match.end;
  }
  add_between(text.substr(previous), previous == 0);
  return segments;
}

}  // namespace strata::tokenization
