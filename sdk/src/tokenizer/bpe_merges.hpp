// BPE's merge rules and the merging of one word: the pair of adjacent symbols whose rule comes
// first in the file is merged first (the leftmost among equals), until no rule applies. A heap
// of candidate pairs over a linked list of symbols makes a word of n symbols O(n log n).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace strata::tokenization {

struct MergeRule {
  std::int32_t rank;       // the rule's place in the file: lower merges first
  std::int32_t merged_id;  // the id of the two tokens joined
};

class MergeTable {
 public:
  // A pair listed twice keeps its later place, as Hugging Face's table does.
  void add(std::int32_t left, std::int32_t right, MergeRule rule) { rules_[key(left, right)] = rule; }
  std::optional<MergeRule> find(std::int32_t left, std::int32_t right) const {
    const auto rule = rules_.find(key(left, right));
    if (rule == rules_.end()) return std::nullopt;
    return rule->second;
  }
  void reserve(std::size_t count) { rules_.reserve(count); }
  bool empty() const { return rules_.empty(); }

 private:
  static std::uint64_t key(std::int32_t left, std::int32_t right) {
    return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32) | static_cast<std::uint32_t>(right);
  }
  std::unordered_map<std::uint64_t, MergeRule> rules_;
};

// Merges the symbols `ids` (one word) in place.
void merge_word(std::vector<std::int32_t>& ids, const MergeTable& merges);

}  // namespace strata::tokenization
