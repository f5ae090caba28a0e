// What SentencePiece (0.1.97, Debian 12's) trusts in a tokenizer.model and would crash on, or read
// out of bounds for, if a stranger's file held it: checked here, on the raw protobuf, before the
// bytes reach the library. SentencePiece checks the rest itself and reports it as a status.
#pragma once

#include <cstddef>
#include <string_view>

namespace strata::tokenization {

// Far above what published models use: Gemma's 256,000 pieces, pieces of a few dozen bytes, a
// normalization trie of some 45,000 units.
inline constexpr std::size_t max_sentencepiece_pieces = 1 << 20;
inline constexpr std::size_t max_sentencepiece_piece_bytes = 1024;
inline constexpr std::size_t max_charsmap_trie_units = 1 << 19;

// Throws Error(invalid_argument) naming the problem: a malformed protobuf; a message or field
// given twice (protobuf would merge them silently); too many pieces or too long a piece; a piece
// holding NUL (SentencePiece builds its tries from C strings); more than 64 user-defined pieces
// each starting the next (its matcher keeps 64 matches on the stack and reads past them); or a
// precompiled_charsmap that check_precompiled_charsmap refuses.
void check_sentencepiece_model(std::string_view model_bytes);

// A normalizer's precompiled_charsmap: a 32-bit little-endian size, a darts-clone double-array
// trie of that many bytes, then the NUL-terminated texts its leaves point into. SentencePiece
// walks the trie with no bounds check. This walks every state a text can reach, and requires
// every unit read to lie in the trie, every leaf to point into the texts, no cycle, and at most
// 32 leaves along one path (the results SentencePiece keeps on the stack). Throws
// Error(invalid_argument) naming the problem.
void check_precompiled_charsmap(std::string_view charsmap);

}  // namespace strata::tokenization
