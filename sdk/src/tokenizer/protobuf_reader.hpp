// The protobuf wire format (a SentencePiece tokenizer.model is one protobuf message), read field
// by field within the bounds of its message: a varint or a length that runs past the end is an
// error, never a read outside the bytes. Groups (deprecated since proto2, unused by SentencePiece)
// are refused rather than skipped.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace strata::tokenization {

enum class WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

struct ProtobufField {
  std::uint64_t number = 0;
  WireType wire_type = WireType::varint;
  std::uint64_t varint = 0;  // the value of a varint field
  std::string_view bytes;    // the payload of the other wire types
};

class ProtobufReader {
 public:
  explicit ProtobufReader(std::string_view message) : rest_(message) {}

  // The next field, or nullopt at the end of the message. Throws Error(invalid_argument) saying
  // what is malformed.
  std::optional<ProtobufField> next();

 private:
  std::uint64_t read_varint();
  std::string_view take(std::uint64_t size);

  std::string_view rest_;
};

}  // namespace strata::tokenization
