// Bounds on what a tokenizer.json may ask for, so that a file from a stranger cannot exhaust the
// stack or memory: far above what any published tokenizer uses.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata::tokenization {

inline constexpr int max_nesting_depth = 16;  // Sequence inside Sequence ...
inline constexpr std::int64_t max_token_id = (1 << 24) - 1;
inline constexpr std::size_t max_added_token_bytes = 1024;

}  // namespace strata::tokenization
