#include <strata_safe_io/printable.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace strata::safe_io {
namespace {

// The code point of the UTF-8 sequence at the start of `text` and its length; length 0 when the
// bytes there are not UTF-8 (stray continuation bytes, overlong forms, surrogates, > U+10FFFF).
struct Decoded {
  char32_t code_point = 0;
  std::size_t length = 0;
};

Decoded decode_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(0);
  std::size_t length = 0;
  char32_t code_point = 0;
  char32_t lowest = 0;
  if (lead < 0x80) return {lead, 1};
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1F, lowest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0F, lowest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07, lowest = 0x10000;
  } else {
    return {};
  }
  if (text.size() < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {};
    code_point = (code_point << 6) | (byte(i) & 0x3F);
  }
  if (code_point < lowest || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return {};
  return {code_point, length};
}

// Characters a terminal acts on or that change how the rest of the line is shown.
bool is_control(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

void append_escaped(std::string& out, char32_t c) {
  switch (c) {
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    default:
      out += c < 0x80 ? fmt::format("\\x{:02x}", static_cast<unsigned>(c))
                      : fmt::format("\\u{:04x}", static_cast<unsigned>(c));
  }
}

// The length of the character at the start of `text` when printable() keeps it as it is; 0 when
// it escapes it.
std::size_t kept_length(std::string_view text) {
  const Decoded decoded = decode_utf8(text);
  if (decoded.length == 0 || decoded.code_point == '\\' || is_control(decoded.code_point)) return 0;
  return decoded.length;
}

}  // namespace

bool is_printable(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = kept_length(text.substr(at));
    if (length == 0) return false;
    at += length;
  }
  return true;
}

std::string printable(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 16);
  std::size_t at = 0;
  while (at < text.size() && out.size() < max_bytes) {
    if (const std::size_t kept = kept_length(text.substr(at))) {
      out.append(text.substr(at, kept));
      at += kept;
      continue;
    }
    const Decoded decoded = decode_utf8(text.substr(at));
    if (decoded.length == 0) {
      out += fmt::format("\\x{:02x}", static_cast<std::uint8_t>(text[at]));
      ++at;
    } else {
      if (decoded.code_point == '\\')
        out += "\\\\";
      else
        append_escaped(out, decoded.code_point);
      at += decoded.length;
    }
  }
  if (at < text.size()) out += fmt::format("... ({} bytes in all)", text.size());
  return out;
}

}  // namespace strata::safe_io
