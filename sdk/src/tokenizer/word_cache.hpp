// Recently tokenized words and their ids: most words of a text repeat, and a lookup is far
// cheaper than merging again. Bounded: when full it starts over. Safe to share between threads.
#pragma once

#include "vocabulary.hpp"

#include <cstddef>
#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace strata::tokenization {

class WordCache {
 public:
  static constexpr std::size_t max_entries = 1 << 16;
  static constexpr std::size_t max_word_bytes = 256;  // longer words are rare, and costly to keep

  // Appends the cached ids of `word` to `ids` and returns true, or returns false.
  bool append(std::string_view word, std::vector<std::int32_t>& ids) const;
  void store(std::string_view word, const std::int32_t* ids, std::size_t count) const;

 private:
  mutable std::shared_mutex mutex_;
  mutable std::unordered_map<std::string, std::vector<std::int32_t>, StringHash, std::equal_to<>> entries_;
};

}  // namespace strata::tokenization
