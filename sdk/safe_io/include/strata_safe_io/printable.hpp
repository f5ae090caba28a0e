// Text from a file (a tensor name, a config value, a parser's complaint) made safe to print in an
// error message: a terminal shown the raw bytes would run any escape sequence they hold.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace strata::safe_io {

// Long enough for any real name or value, short enough that a hostile 100 MB string does not
// flood the terminal.
inline constexpr std::size_t printable_max_bytes = 256;

// `text` with every character a terminal could act on escaped, in C style: control characters
// (C0, DEL and C1) as \n, \t, \r or \xNN / \uNNNN, the bidirectional overrides that reorder what is
// shown as \uNNNN, bytes that are not UTF-8 as \xNN, and the backslash as \\. Other characters,
// UTF-8 included, are kept. Cut after about `max_bytes`, saying how long the text was.
std::string printable(std::string_view text, std::size_t max_bytes = printable_max_bytes);

// Whether printable() keeps `text` as it is, however long: names (of modules, devices) that
// are never anything else can be refused when they are not.
bool is_printable(std::string_view text);

}  // namespace strata::safe_io
