#include "word_cache.hpp"

#include <mutex>

namespace strata::tokenization {

bool WordCache::append(std::string_view word, std::vector<std::int32_t>& ids) const {
  if (word.size() > max_word_bytes) return false;
  std::shared_lock lock(mutex_);
  const auto entry = entries_.find(word);
  if (entry == entries_.end()) return false;
  ids.insert(ids.end(), entry->second.begin(), entry->second.end());
  return true;
}

void WordCache::store(std::string_view word, const std::int32_t* ids, std::size_t count) const {
  if (word.size() > max_word_bytes) return;
  std::unique_lock lock(mutex_);
  if (entries_.size() >= max_entries) entries_.clear();
  entries_.try_emplace(std::string(word), ids, ids + count);
}

}  // namespace strata::tokenization
