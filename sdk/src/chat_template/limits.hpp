// What a chat template may cost. A template comes from a model folder that may come from a
// stranger (docs/security.md): each bound turns a hostile template into an error, never a crash,
// a hang or exhausted memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace strata::chat_template::limits {

inline constexpr std::size_t max_source_bytes = 1u << 20;  // the largest real templates are ~20 KB
inline constexpr std::size_t max_nesting = 64;             // blocks and brackets inside each other
inline constexpr std::size_t max_expression_depth = 128;   // a + b + c ... counts one per operator
inline constexpr std::size_t max_call_depth = 32;          // macros calling macros (and themselves)
// Expressions and statements evaluated: 10,000 messages render with every real template tested
// (ChatTemplateReference.LongConversationsStayWithinTheBudgets), far more than any context holds.
inline constexpr std::uint64_t max_steps = 2'000'000;
inline constexpr std::size_t max_output_bytes = 16u << 20;
// Bytes of text and list slots made over one rendering, the output included: bounds the memory
// and the time of string and list operations whatever the loop.
inline constexpr std::uint64_t max_allocated_bytes = 256ull << 20;

}  // namespace strata::chat_template::limits
