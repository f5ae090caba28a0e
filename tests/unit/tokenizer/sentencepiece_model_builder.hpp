// SentencePiece tokenizer.model files made in the tests, byte by byte in protobuf's wire format
// (SentencePiece's sentencepiece_model.proto): small models, and models that hold what a
// stranger's file may hold.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace strata_test::sentencepiece {

inline std::string varint(std::uint64_t value) {
  std::string bytes;
  for (; value >= 0x80; value >>= 7) bytes += static_cast<char>((value & 0x7F) | 0x80);
  bytes += static_cast<char>(value);
  return bytes;
}

// A length-delimited field: text, bytes or a message.
inline std::string field(std::uint32_t number, std::string_view payload) {
  return varint((std::uint64_t{number} << 3) | 2) + varint(payload.size()) + std::string(payload);
}

inline std::string varint_field(std::uint32_t number, std::uint64_t value) {
  return varint(std::uint64_t{number} << 3) + varint(value);
}

inline std::string float_field(std::uint32_t number, float value) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  std::string bytes = varint((std::uint64_t{number} << 3) | 5);
  for (int i = 0; i < 4; ++i) bytes += static_cast<char>((bits >> (8 * i)) & 0xFF);
  return bytes;
}

inline std::string little_endian_u32(std::uint32_t value) {
  std::string bytes;
  for (int i = 0; i < 4; ++i) bytes += static_cast<char>((value >> (8 * i)) & 0xFF);
  return bytes;
}

enum class PieceType : std::uint64_t { normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6 };

// One entry of ModelProto.pieces.
inline std::string piece(std::string_view text, float score, PieceType type = PieceType::normal) {
  return field(1, field(1, text) + float_field(2, score) + varint_field(3, static_cast<std::uint64_t>(type)));
}

// TrainerSpec with model_type BPE (2).
inline std::string trainer_spec() { return field(2, varint_field(3, 2)); }

// NormalizerSpec as Llama 2's: "identity", "▁" before the text, white space kept as it is.
inline std::string normalizer_spec(std::string_view precompiled_charsmap = {}) {
  return field(3, field(1, "identity") + field(2, precompiled_charsmap) + varint_field(3, 1) + varint_field(4, 0));
}

inline const std::string space_piece = "\xE2\x96\x81";  // "▁"

// A BPE model of <unk> (id 0), <s> (1), </s> (2), then `pieces` (3, 4, ...), then the `extra`
// pieces or fields, with the normalizer_spec of `precompiled_charsmap`.
inline std::string small_model(const std::vector<std::string>& pieces, const std::string& extra = {},
                               std::string_view precompiled_charsmap = {}) {
  std::string model = piece("<unk>", 0, PieceType::unknown) + piece("<s>", 0, PieceType::control) +
                      piece("</s>", 0, PieceType::control);
  float score = 0;
  for (const std::string& text : pieces) model += piece(text, score -= 1);
  return model + extra + trainer_spec() + normalizer_spec(precompiled_charsmap);
}

// A precompiled_charsmap whose darts-clone trie is a chain: "a" repeated up to `leaves` times
// matches a rule at every step, each rule's text being `text`. The root state is 256; state k + 1
// follows state k on "a" (a unit labelled "a" with a leaf); each state's own unit is a leaf unit
// (label bit 31 set, value 0: the offset of `text`), so that no NUL byte leads anywhere.
inline std::string chain_charsmap(std::uint32_t leaves, std::string_view text = "b") {
  const auto leaf_unit = [](std::uint32_t value) { return 0x80000000u | value; };
  const auto link_unit = [](std::uint32_t label, std::uint32_t offset, bool has_leaf) {
    return (offset << 10) | (has_leaf ? 0x100u : 0u) | label;
  };
  std::vector<std::uint32_t> units(256 * (leaves + 2), 0);
  units[0] = link_unit(0, 256, false);
  for (std::uint32_t k = 0; k <= leaves; ++k) {
    const std::uint32_t state = 256 * (k + 1);
    units[state] = leaf_unit(0);
    if (k == leaves) break;
    const std::uint32_t at = state ^ 'a';
    units[at] = link_unit('a', at ^ (state + 256), true);
  }
  std::string trie;
  for (std::uint32_t unit : units) trie += little_endian_u32(unit);
  return little_endian_u32(static_cast<std::uint32_t>(trie.size())) + trie + std::string(text) + std::string(1, '\0');
}

}  // namespace strata_test::sentencepiece
