// The Unicode facts the tokenizer components ask about, from utf8proc's tables.
#pragma once

#include <string>
#include <string_view>

namespace strata::tokenization {

// Unicode's White_Space property (what \s means in Hugging Face's regexes).
bool is_whitespace(char32_t code_point);
// A word character as \w means it: letters, marks, decimal digits, connectors, joiners.
bool is_word_character(char32_t code_point);
// Any number: decimal digits, letter numbers (Ⅻ), other numbers (½, ①).
bool is_numeric(char32_t code_point);

enum class NormalForm { nfc, nfd, nfkc, nfkd };
std::string normalize_unicode(std::string_view text, NormalForm form);
std::string lowercase(std::string_view text);

}  // namespace strata::tokenization
