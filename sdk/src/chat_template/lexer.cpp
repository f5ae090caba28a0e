// The lexer works on the raw source: whitespace control needs to see the text around each tag
// as written (lstrip_blocks asks whether a tag starts its line).
#include "chat_template/lexer.hpp"

#include "chat_template/errors.hpp"
#include "tokenizer/utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace strata::chat_template {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Longest first, so that "//" is not read as two "/".
constexpr std::array<std::string_view, 26> symbols = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "*",
                                                      "/",  "%",  "~",  "<",  ">",  "=",  "(", ")", "[",
                                                      "]",  "{",  "}",  ",",  ".",  ":",  "|", "!"};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : source_(source) {
    // Jinja's default keep_trailing_newline=False.
    if (source_.ends_with('\n')) source_.remove_suffix(1);
  }

  std::vector<Token> run() {
    while (position_ < source_.size()) {
      const std::size_t tag = find_tag(position_);
      std::string text(source_.substr(position_, tag - position_));
      if (tag == source_.size()) {
        add_text(std::move(text), position_);
        break;
      }
      const char kind = source_[tag + 1];
      std::size_t inside = tag + 2;
      if (inside < source_.size() && source_[inside] == '-') {
        while (!text.empty() && is_space(text.back())) text.pop_back();
        ++inside;
      } else if (inside < source_.size() && source_[inside] == '+') {
        ++inside;  // lstrip_blocks off for this tag
      } else if (kind != '{') {
        strip_line_start(text, position_, tag);
      }
      add_text(std::move(text), position_);
      if (kind == '#') {
        lex_comment(tag, inside);
      } else {
        lex_tag(kind, tag, inside);
      }
    }
    tokens_.push_back({TokenKind::end, {}, line_at(source_.size())});
    return std::move(tokens_);
  }

 private:
  std::size_t find_tag(std::size_t from) const {
    for (std::size_t i = source_.find('{', from); i != std::string_view::npos; i = source_.find('{', i + 1)) {
      if (i + 1 < source_.size() && (source_[i + 1] == '{' || source_[i + 1] == '%' || source_[i + 1] == '#')) return i;
    }
    return source_.size();
  }

  std::size_t line_at(std::size_t offset) {
    // Lines are counted incrementally: offsets only grow.
    for (; line_offset_ < offset && line_offset_ < source_.size(); ++line_offset_)
      if (source_[line_offset_] == '\n') ++line_;
    return line_;
  }

  [[noreturn]] void fail(std::size_t offset, const std::string& what) { throw template_error(line_at(offset), what); }

  // lstrip_blocks: spaces and tabs between the start of the line and a block tag go.
  void strip_line_start(std::string& text, std::size_t text_start, std::size_t tag) const {
    std::size_t start = tag;
    while (start > text_start && (source_[start - 1] == ' ' || source_[start - 1] == '\t')) --start;
    if (start == 0 || source_[start - 1] == '\n') text.resize(start - text_start);
  }

  void add_text(std::string text, std::size_t offset) {
    if (text.empty()) return;
    // Jinja writes every newline of the template's text as \n.
    std::string normalized;
    normalized.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\r') {
        normalized += '\n';
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      } else {
        normalized += text[i];
      }
    }
    tokens_.push_back({TokenKind::text, std::move(normalized), line_at(offset)});
  }

  // After a tag: `-` strips all whitespace that follows; trim_blocks drops one newline after a
  // block or a comment.
  void after_tag(std::size_t end, bool strip, bool trim) {
    position_ = end;
    if (strip) {
      while (position_ < source_.size() && is_space(source_[position_])) ++position_;
    } else if (trim) {
      if (source_.substr(position_).starts_with("\r\n")) {
        position_ += 2;
      } else if (position_ < source_.size() && (source_[position_] == '\n' || source_[position_] == '\r')) {
        ++position_;
      }
    }
  }

  void lex_comment(std::size_t tag, std::size_t inside) {
    const std::size_t close = source_.find("#}", inside);
    if (close == std::string_view::npos) fail(tag, "a comment {# is never closed with #}");
    const bool strip = close > inside && source_[close - 1] == '-';
    after_tag(close + 2, strip, true);
  }

  void lex_tag(char kind, std::size_t tag, std::size_t inside) {
    const bool block = kind == '%';
    const char closer = block ? '%' : '}';
    tokens_.push_back({block ? TokenKind::block_begin : TokenKind::expression_begin, {}, line_at(tag)});
    std::size_t i = inside;
    while (true) {
      while (i < source_.size() && is_space(source_[i])) ++i;
      if (i >= source_.size())
        fail(tag, block ? "a block {% is never closed with %}" : "an expression {{ is never closed with }}");
      // The end of the tag: "%}" / "}}", or "-%}" / "-}}" that also strips what follows.
      const std::string close{closer, '}'};
      const bool dash = source_[i] == '-' && source_.substr(i + 1, 2) == close;
      if (dash || source_.substr(i, 2) == close) {
        tokens_.push_back({block ? TokenKind::block_end : TokenKind::expression_end, {}, line_at(i)});
        after_tag(i + (dash ? 3 : 2), dash, block);
        return;
      }
      i = lex_token(i);
    }
  }

  std::size_t lex_token(std::size_t i) {
    const char c = source_[i];
    const std::size_t line = line_at(i);
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      std::size_t end = i;
      while (end < source_.size() && (std::isalnum(static_cast<unsigned char>(source_[end])) || source_[end] == '_'))
        ++end;
      tokens_.push_back({TokenKind::name, std::string(source_.substr(i, end - i)), line});
      return end;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return lex_number(i, line);
    if (c == '\'' || c == '"') return lex_string(i, line);
    for (std::string_view symbol : symbols) {
      if (source_.substr(i).starts_with(symbol)) {
        tokens_.push_back({TokenKind::symbol, std::string(symbol), line});
        return i + symbol.size();
      }
    }
    fail(i, fmt::format("unexpected character '{}'", c < 0x20 || c == 0x7f ? '?' : c));
  }

  std::size_t lex_number(std::size_t i, std::size_t line) {
    std::size_t end = i;
    auto digits = [&] {
      while (end < source_.size() && (std::isdigit(static_cast<unsigned char>(source_[end])) || source_[end] == '_'))
        ++end;
    };
    digits();
    bool floating = false;
    if (end + 1 < source_.size() && source_[end] == '.' && std::isdigit(static_cast<unsigned char>(source_[end + 1]))) {
      floating = true;
      ++end;
      digits();
    }
    if (end < source_.size() && (source_[end] == 'e' || source_[end] == 'E')) {
      std::size_t exponent = end + 1;
      if (exponent < source_.size() && (source_[exponent] == '+' || source_[exponent] == '-')) ++exponent;
      if (exponent < source_.size() && std::isdigit(static_cast<unsigned char>(source_[exponent]))) {
        floating = true;
        end = exponent;
        digits();
      }
    }
    std::string text(source_.substr(i, end - i));
    std::erase(text, '_');
    tokens_.push_back({floating ? TokenKind::floating : TokenKind::integer, std::move(text), line});
    return end;
  }

  std::size_t lex_string(std::size_t i, std::size_t line) {
    const char quote = source_[i];
    std::string value;
    std::size_t j = i + 1;
    while (true) {
      if (j >= source_.size()) fail(i, "a string is never closed");
      const char c = source_[j];
      if (c == quote) break;
      if (c != '\\' || j + 1 >= source_.size()) {
        value += c;
        ++j;
        continue;
      }
      const char escaped = source_[j + 1];
      j += 2;
      switch (escaped) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 'v':
          value += '\v';
          break;
        case '0':
          value += '\0';
          break;
        case '\\':
        case '\'':
        case '"':
          value += escaped;
          break;
        case '\n':
          break;  // a line continued
        case 'x':
        case 'u':
        case 'U': {
          const std::size_t width = escaped == 'x' ? 2 : escaped == 'u' ? 4 : 8;
          if (j + width > source_.size()) fail(i, "a \\x, \\u or \\U escape is cut short");
          char32_t code_point = 0;
          for (std::size_t k = 0; k < width; ++k) {
            const char h = source_[j + k];
            if (!std::isxdigit(static_cast<unsigned char>(h))) fail(i, "a \\x, \\u or \\U escape needs hex digits");
            code_point =
                code_point * 16 + static_cast<char32_t>(std::isdigit(static_cast<unsigned char>(h))
                                                            ? h - '0'
                                                            : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
          }
          if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
            fail(i, "an escape names no Unicode character");
          tokenization::append_utf8(value, code_point);
          j += width;
          break;
        }
        default:  // Python keeps an unknown escape as written
          value += '\\';
          value += escaped;
      }
    }
    tokens_.push_back({TokenKind::string, std::move(value), line});
    return j + 1;
  }

  std::string_view source_;
  std::size_t position_ = 0;
  std::size_t line_ = 1;
  std::size_t line_offset_ = 0;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize_template(std::string_view source) { return Lexer(source).run(); }

}  // namespace strata::chat_template
