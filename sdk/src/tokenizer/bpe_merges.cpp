#include "bpe_merges.hpp"

#include <algorithm>
#include <queue>

namespace strata::tokenization {
namespace {

struct Symbol {
  std::int32_t id;
  std::int32_t previous;  // index of the symbol on the left, -1 at the start
  std::int32_t next;      // index of the symbol on the right, -1 at the end
  bool merged_away;       // joined into the symbol on its left
};

struct Candidate {
  std::int32_t rank;
  std::int32_t position;  // index of the left symbol
  std::int32_t merged_id;
  // std::priority_queue pops the largest: the largest here is the lowest rank, then the leftmost.
  bool operator<(const Candidate& other) const {
    return rank != other.rank ? rank > other.rank : position > other.position;
  }
};

}  // namespace

void merge_word(std::vector<std::int32_t>& ids, const MergeTable& merges) {
  if (ids.size() < 2 || merges.empty()) return;
  const auto count = static_cast<std::int32_t>(ids.size());
  std::vector<Symbol> symbols(ids.size());
  std::vector<Candidate> heap_storage;
  heap_storage.reserve(ids.size());
  std::priority_queue<Candidate> candidates(std::less<Candidate>{}, std::move(heap_storage));
  for (std::int32_t i = 0; i < count; ++i) {
    symbols[i] = {ids[i], i - 1, i + 1 < count ? i + 1 : -1, false};
    if (i + 1 < count) {
      if (const auto rule = merges.find(ids[i], ids[i + 1])) candidates.push({rule->rank, i, rule->merged_id});
    }
  }
  while (!candidates.empty()) {
    const Candidate top = candidates.top();
    candidates.pop();
    Symbol& left = symbols[top.position];
    if (left.merged_away || left.next < 0) continue;
    Symbol& right = symbols[left.next];
    // A candidate goes stale when a neighbour merged since it was pushed: the pair now there must
    // still be the one it was pushed for.
    const auto rule = merges.find(left.id, right.id);
    if (!rule || rule->merged_id != top.merged_id) continue;
    left.id = top.merged_id;
    right.merged_away = true;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].previous = top.position;
    if (left.previous >= 0) {
      if (const auto before = merges.find(symbols[left.previous].id, left.id)) {
        candidates.push({before->rank, left.previous, before->merged_id});
      }
    }
    if (left.next >= 0) {
      if (const auto after = merges.find(left.id, symbols[left.next].id)) {
        candidates.push({after->rank, top.position, after->merged_id});
      }
    }
  }
  ids.clear();
  for (std::int32_t i = 0; i >= 0; i = symbols[i].next) ids.push_back(symbols[i].id);
}

}  // namespace strata::tokenization
