#include "protobuf_reader.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

namespace strata::tokenization {
namespace {

[[noreturn]] void malformed(std::string_view problem) {
  throw Error(StatusCode::invalid_argument, fmt::format("malformed protobuf: {}", problem));
}

// Protobuf's own bound: field numbers take 29 bits.
constexpr std::uint64_t max_field_number = (1u << 29) - 1;

}  // namespace

std::optional<ProtobufField> ProtobufReader::next() {
  if (rest_.empty()) return std::nullopt;
  const std::uint64_t key = read_varint();
  ProtobufField field;
  field.number = key >> 3;
  if (field.number == 0 || field.number > max_field_number) malformed(fmt::format("field number {}", field.number));
  switch (key & 7) {
    case 0:
      field.wire_type = WireType::varint;
      field.varint = read_varint();
      break;
    case 1:
      field.wire_type = WireType::fixed64;
      field.bytes = take(8);
      break;
    case 2:
      field.wire_type = WireType::length_delimited;
      field.bytes = take(read_varint());
      break;
    case 5:
      field.wire_type = WireType::fixed32;
      field.bytes = take(4);
      break;
    default:
      malformed(fmt::format("field {} has wire type {}, which is not read", field.number, key & 7));
  }
  return field;
}

// Seven bits a byte, least significant first; at most ten bytes make 64 bits.
std::uint64_t ProtobufReader::read_varint() {
  std::uint64_t value = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (rest_.empty()) malformed("a varint runs past the end of its message");
    const auto byte = static_cast<unsigned char>(rest_.front());
    rest_.remove_prefix(1);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  malformed("a varint is longer than 10 bytes");
}

std::string_view ProtobufReader::take(std::uint64_t size) {
  if (size > rest_.size()) malformed("a field runs past the end of its message");
  const std::string_view taken = rest_.substr(0, size);
  rest_.remove_prefix(size);
  return taken;
}

}  // namespace strata::tokenization
