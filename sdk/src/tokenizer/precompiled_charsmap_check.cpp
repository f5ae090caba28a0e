// The double-array trie of a precompiled_charsmap, walked as SentencePiece's Normalizer walks it
// (darts-clone's commonPrefixSearch), but over every state at once and with every read checked.
#include "sentencepiece_model_check.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace strata::tokenization {
namespace {

// SentencePiece's Normalizer::kMaxTrieResultsSize: the leaves one walk may pass.
constexpr unsigned max_leaves_per_walk = 32;

[[noreturn]] void refuse(const std::string& problem) { throw Error(StatusCode::invalid_argument, problem); }

std::uint32_t little_endian_u32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i)
    value |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return value;
}

// One 32-bit unit of darts-clone's double array, decoded as darts-clone decodes it.
struct TrieUnit {
  std::uint32_t bits;

  bool has_leaf() const { return ((bits >> 8) & 1) == 1; }
  // Of a leaf unit: where its text starts.
  std::uint32_t value() const { return bits & ((1u << 31) - 1); }
  // The byte that leads to this unit; a leaf unit has its top bit set, so that no byte matches it.
  std::uint32_t label() const { return bits & ((1u << 31) | 0xFF); }
  std::uint32_t offset() const { return (bits >> 10) << ((bits & (1u << 9)) >> 6); }
};

// A state is where a walk stands between two bytes: the next byte b reads the unit at
// state ^ b, which leads on when its label is b, to the state (state ^ b) ^ its offset.
class TrieCheck {
 public:
  TrieCheck(std::vector<TrieUnit> units, std::size_t text_bytes)
      : units_(std::move(units)),
        text_bytes_(text_bytes),
        marks_(units_.size(), Mark::unseen),
        most_leaves_(units_.size(), 0) {}

  // Depth first over every state reachable from the root, without recursion (a chain of states
  // may be as long as the trie).
  void run() {
    enter(units_[0].offset());
    while (!path_.empty()) {
      Frame& frame = path_.back();
      if (frame.next_byte > 0xFF) {
        marks_[frame.state] = Mark::done;
        most_leaves_[frame.state] = frame.most_leaves;
        path_.pop_back();
        continue;
      }
      const std::size_t position = frame.state ^ frame.next_byte;
      const TrieUnit unit = units_[position];
      if (unit.label() != frame.next_byte) {
        ++frame.next_byte;
        continue;
      }
      const std::size_t next = position ^ unit.offset();
      if (next >= units_.size()) refuse("a transition leads outside the trie");
      if (marks_[next] == Mark::on_path) refuse("the trie has a cycle");
      if (marks_[next] == Mark::unseen) {
        enter(next);  // this byte is taken again once `next` is done (`frame` is no longer valid)
        continue;
      }
      if (unit.has_leaf() && units_[next].value() >= text_bytes_) refuse("a leaf points past the texts");
      const unsigned leaves = (unit.has_leaf() ? 1u : 0u) + most_leaves_[next];
      if (leaves > max_leaves_per_walk) {
        refuse(fmt::format("one text can match more than {} of its rules at one place", max_leaves_per_walk));
      }
      frame.most_leaves = static_cast<std::uint8_t>(std::max<unsigned>(frame.most_leaves, leaves));
      ++frame.next_byte;
    }
  }

 private:
  enum class Mark : std::uint8_t { unseen, on_path, done };
  struct Frame {
    std::size_t state;
    unsigned next_byte;
    std::uint8_t most_leaves;  // along the bytes tried so far
  };

  void enter(std::size_t state) {
    // Whatever byte comes next, the unit it reads must lie in the array.
    if ((state | 0xFF) >= units_.size()) refuse("a state's transitions lie outside the trie");
    marks_[state] = Mark::on_path;
    path_.push_back({state, 0, 0});
  }

  std::vector<TrieUnit> units_;
  std::size_t text_bytes_;
  std::vector<Mark> marks_;
  std::vector<std::uint8_t> most_leaves_;  // of a done state: the most leaves a walk from it passes
  std::vector<Frame> path_;
};

}  // namespace

void check_precompiled_charsmap(std::string_view charsmap) {
  if (charsmap.size() < 4) refuse("shorter than its 4-byte header");
  const std::uint32_t trie_bytes = little_endian_u32(charsmap, 0);
  if (trie_bytes == 0 || trie_bytes % 4 != 0 || trie_bytes > charsmap.size() - 4) {
    refuse(
        fmt::format("its trie of {} bytes does not fit in its {} bytes as whole units", trie_bytes, charsmap.size()));
  }
  const std::size_t unit_count = trie_bytes / 4;
  if (unit_count > max_charsmap_trie_units) {
    refuse(fmt::format("its trie has {} units, more than {}", unit_count, max_charsmap_trie_units));
  }
  std::vector<TrieUnit> units(unit_count);
  for (std::size_t i = 0; i < unit_count; ++i) units[i].bits = little_endian_u32(charsmap, 4 + 4 * i);
  TrieCheck(std::move(units), charsmap.size() - 4 - trie_bytes).run();
}

}  // namespace strata::tokenization
