// parse_safetensors_header in its two steps, for SafetensorsFile, which reads the header with
// pread instead of through its mapping (a file truncated meanwhile then gives a short read, not a
// SIGBUS).
#pragma once

#include <strata/checkpoint.hpp>

#include <cstdint>
#include <span>
#include <string_view>

namespace strata::detail {

// The header length the file's first 8 bytes give, checked against the format's limit and the
// file's size. Throws Error(invalid_argument) naming `file_name`.
std::uint64_t safetensors_header_length(std::span<const std::byte> first_bytes, std::uint64_t file_bytes,
                                        std::string_view file_name);

// The header `text` (the JSON after the length field) of a file of `file_bytes` bytes, validated
// as parse_safetensors_header says.
SafetensorsHeader parse_safetensors_header_text(std::string_view text, std::uint64_t file_bytes,
                                                std::string_view file_name);

}  // namespace strata::detail
