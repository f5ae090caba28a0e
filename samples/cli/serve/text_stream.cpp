// Byte-level models produce UTF-8 one byte at a time; a character of several bytes is held until
// its last byte, so that streamed pieces are whole characters and join to the full text.
#include "text_stream.hpp"

#include <cstddef>
#include <utility>

namespace strata::cli::serve {
namespace {

// The bytes a UTF-8 character that starts with `lead` has; 1 for a byte that starts none (ASCII,
// a stray continuation byte, an invalid byte), which is then passed on as it is.
std::size_t character_length(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 1;
}

// Moves out of `bytes` all but an incomplete character at its end.
std::string take_complete_characters(std::string& bytes) {
  const std::size_t size = bytes.size();
  // The last lead byte within a character's length of the end decides.
  for (std::size_t back = 1; back <= 4 && back <= size; ++back) {
    const auto byte = static_cast<unsigned char>(bytes[size - back]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    if (character_length(byte) > back) {
      std::string complete = bytes.substr(0, size - back);
      bytes.erase(0, size - back);
      return complete;
    }
    break;
  }
  return std::exchange(bytes, std::string());
}

}  // namespace

TextStream::TextStream(const Tokenizer* tokenizer, std::vector<std::string> stop_strings)
    : matcher_(std::move(stop_strings)) {
  if (tokenizer != nullptr) decoder_.emplace(*tokenizer, true);
}

std::string TextStream::push(std::int32_t token) {
  if (matcher_.stopped()) return {};
  if (decoder_) return matcher_.push(decoder_->push(token));
  partial_character_.push_back(static_cast<char>(static_cast<unsigned char>(token)));
  return matcher_.push(take_complete_characters(partial_character_));
}

std::string TextStream::finish() {
  if (matcher_.stopped()) return {};
  std::string rest = decoder_ ? decoder_->flush() : std::exchange(partial_character_, std::string());
  std::string text = matcher_.push(rest);
  if (!matcher_.stopped()) text += matcher_.flush();
  return text;
}

}  // namespace strata::cli::serve
