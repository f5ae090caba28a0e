#include "sentencepiece_model_check.hpp"

#include "protobuf_reader.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

namespace strata::tokenization {
namespace {

// Field numbers of SentencePiece's sentencepiece_model.proto.
namespace model_field {
constexpr std::uint64_t pieces = 1, trainer_spec = 2, normalizer_spec = 3, self_test_data = 4, denormalizer_spec = 5;
}
namespace piece_field {
constexpr std::uint64_t text = 1, type = 3;
constexpr std::uint64_t user_defined_type = 4;
}  // namespace piece_field
namespace normalizer_field {
constexpr std::uint64_t precompiled_charsmap = 2;
}

// SentencePiece's PrefixMatcher keeps this many matches of user-defined pieces at one place.
constexpr std::size_t max_nested_user_defined_pieces = 64;

[[noreturn]] void refuse(const std::string& problem) { throw Error(StatusCode::invalid_argument, problem); }

// Protobuf merges a message given twice and keeps the last of a field given twice: a file that
// does either is refused rather than read one way when another reader might read it another.
void require_once(bool& seen, std::string_view what) {
  if (seen) refuse(fmt::format("{} is given twice", what));
  seen = true;
}

void require_wire_type(const ProtobufField& field, WireType type, std::string_view what) {
  if (field.wire_type != type) refuse(fmt::format("{} has the wrong wire type", what));
}

struct Piece {
  std::string_view text;
  bool user_defined = false;
};

// Messages are made only for a piece that fails: a model has tens of thousands of them.
Piece read_piece(std::string_view message, std::size_t index) {
  Piece piece;
  bool text_seen = false, type_seen = false;
  ProtobufReader reader(message);
  while (const std::optional<ProtobufField> field = reader.next()) {
    if (field->number == piece_field::text) {
      if (text_seen) refuse(fmt::format("the text of piece {} is given twice", index));
      if (field->wire_type != WireType::length_delimited)
        refuse(fmt::format("piece {} has the wrong wire type", index));
      if (field->bytes.size() > max_sentencepiece_piece_bytes) {
        refuse(fmt::format("piece {} is longer than {} bytes", index, max_sentencepiece_piece_bytes));
      }
      if (field->bytes.find('\0') != std::string_view::npos) refuse(fmt::format("piece {} holds a NUL byte", index));
      text_seen = true;
      piece.text = field->bytes;
    } else if (field->number == piece_field::type) {
      if (type_seen) refuse(fmt::format("the type of piece {} is given twice", index));
      if (field->wire_type != WireType::varint)
        refuse(fmt::format("the type of piece {} has the wrong wire type", index));
      type_seen = true;
      piece.user_defined = field->varint == piece_field::user_defined_type;
    }
  }
  return piece;
}

void check_normalizer_spec(std::string_view message, std::string_view name) {
  bool charsmap_seen = false;
  ProtobufReader reader(message);
  while (const std::optional<ProtobufField> field = reader.next()) {
    if (field->number != normalizer_field::precompiled_charsmap) continue;
    const std::string what = fmt::format("{}.precompiled_charsmap", name);
    require_once(charsmap_seen, what);
    require_wire_type(*field, WireType::length_delimited, what);
    if (field->bytes.empty()) continue;  // no normalization rules
    try {
      check_precompiled_charsmap(field->bytes);
    } catch (const Error& error) {
      refuse(fmt::format("{}: {}", what, error.what()));
    }
  }
}

void check_user_defined_nesting(std::vector<std::string_view> pieces) {
  // Sorted, each piece comes after the pieces it starts with, and any piece between a prefix and
  // a longer piece starts with that prefix too: so a stack holds the chain of prefixes.
  std::sort(pieces.begin(), pieces.end());
  std::vector<std::string_view> chain;
  for (std::string_view piece : pieces) {
    while (!chain.empty() && !piece.starts_with(chain.back())) chain.pop_back();
    chain.push_back(piece);
    if (chain.size() > max_nested_user_defined_pieces) {
      refuse(fmt::format("more than {} user-defined pieces start one another", max_nested_user_defined_pieces));
    }
  }
}

}  // namespace

void check_sentencepiece_model(std::string_view model_bytes) {
  if (model_bytes.empty()) refuse("the file is empty");
  std::size_t piece_count = 0;
  std::vector<std::string_view> user_defined;
  bool trainer_spec_seen = false, normalizer_spec_seen = false, self_test_seen = false, denormalizer_spec_seen = false;
  ProtobufReader reader(model_bytes);
  while (const std::optional<ProtobufField> field = reader.next()) {
    switch (field->number) {
      case model_field::pieces: {
        require_wire_type(*field, WireType::length_delimited, "a piece");
        if (++piece_count > max_sentencepiece_pieces) {
          refuse(fmt::format("it has more than {} pieces", max_sentencepiece_pieces));
        }
        const Piece piece = read_piece(field->bytes, piece_count - 1);
        if (piece.user_defined) user_defined.push_back(piece.text);
        break;
      }
      case model_field::trainer_spec:
        require_once(trainer_spec_seen, "trainer_spec");
        require_wire_type(*field, WireType::length_delimited, "trainer_spec");
        break;
      case model_field::normalizer_spec:
        require_once(normalizer_spec_seen, "normalizer_spec");
        require_wire_type(*field, WireType::length_delimited, "normalizer_spec");
        check_normalizer_spec(field->bytes, "normalizer_spec");
        break;
      case model_field::self_test_data:
        require_once(self_test_seen, "self_test_data");
        require_wire_type(*field, WireType::length_delimited, "self_test_data");
        break;
      case model_field::denormalizer_spec:
        require_once(denormalizer_spec_seen, "denormalizer_spec");
        require_wire_type(*field, WireType::length_delimited, "denormalizer_spec");
        check_normalizer_spec(field->bytes, "denormalizer_spec");
        break;
      default:  // extensions, which SentencePiece does not read
        break;
    }
  }
  check_user_defined_nesting(std::move(user_defined));
}

}  // namespace strata::tokenization
