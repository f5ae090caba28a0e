// GPT-2's byte-level alphabet: every byte stands for a printable code point, so that any text
// becomes a string of 256 symbols with no spaces or control characters in it (a space is "Ġ",
// U+0120). Printable Latin-1 bytes stand for themselves; the others take U+0100 upwards in order.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace strata::tokenization {

class ByteLevelAlphabet {
 public:
  static const ByteLevelAlphabet& get();

  // The UTF-8 of the symbol for each byte of `bytes`, appended to `out`.
  void encode(std::string_view bytes, std::string& out) const;
  // The byte a symbol stands for, or nullopt for a code point outside the alphabet.
  std::optional<unsigned char> byte_of(char32_t symbol) const;

 private:
  ByteLevelAlphabet();
  std::array<std::string, 256> symbol_utf8_;
  std::array<int, 512> byte_of_symbol_{};  // every symbol is below U+0200; -1: not a symbol
};

}  // namespace strata::tokenization
