#include "byte_level_alphabet.hpp"

#include "utf8.hpp"

namespace strata::tokenization {
namespace {

bool stands_for_itself(unsigned byte) {
  return (byte >= '!' && byte <= '~') || (byte >= 0xA1 && byte <= 0xAC) || (byte >= 0xAE && byte <= 0xFF);
}

}  // namespace

const ByteLevelAlphabet& ByteLevelAlphabet::get() {
  static const ByteLevelAlphabet alphabet;
  return alphabet;
}

ByteLevelAlphabet::ByteLevelAlphabet() {
  byte_of_symbol_.fill(-1);
  char32_t next_free = 0x100;
  for (unsigned byte = 0; byte < 256; ++byte) {
    const char32_t symbol = stands_for_itself(byte) ? static_cast<char32_t>(byte) : next_free++;
    append_utf8(symbol_utf8_[byte], symbol);
    byte_of_symbol_[symbol] = static_cast<int>(byte);
  }
}

void ByteLevelAlphabet::encode(std::string_view bytes, std::string& out) const {
  for (char byte : bytes) out += symbol_utf8_[static_cast<unsigned char>(byte)];
}

std::optional<unsigned char> ByteLevelAlphabet::byte_of(char32_t symbol) const {
  if (symbol >= byte_of_symbol_.size() || byte_of_symbol_[symbol] < 0) return std::nullopt;
  return static_cast<unsigned char>(byte_of_symbol_[symbol]);
}

}  // namespace strata::tokenization
