// Structs that grow at the end, read and written as far as the caller's struct_size reaches.
//
// Options in: the caller's fields over this library's defaults. A struct shorter than version
// 1.0's is refused; a longer one (a newer header) is accepted only when the fields this library
// does not know are zero, so that no request is dropped silently.
// Info out: written no further than the caller's struct_size, which comes back as the bytes
// written.
#pragma once

#include "c_api/status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace strata::c_api {

// Past this, a struct_size is garbage (an uninitialized struct), not a struct from a newer header.
inline constexpr std::size_t largest_plausible_struct = 4096;

// The caller's struct_size, checked against version 1.0's size and against garbage.
template <typename Struct>
std::size_t checked_size(const Struct& given, std::size_t size_1_0, const char* name) {
  static_assert(std::is_trivially_copyable_v<Struct> && std::is_standard_layout_v<Struct>);
  const std::size_t size = given.struct_size;
  if (size < size_1_0)
    throw ArgumentError(fmt::format("{}.struct_size is {}, less than the {} bytes of version 1.0 (set it to sizeof)",
                                    name, size, size_1_0));
  if (size > largest_plausible_struct)
    throw ArgumentError(fmt::format("{}.struct_size is {}: the struct looks uninitialized", name, size));
  return size;
}

// Fills `options` (of `size` bytes, as the caller's header has it) with zeros, then with
// `defaults` as far as both reach.
template <typename Struct>
void init_options(Struct* options, std::size_t size, Struct defaults) {
  if (options == nullptr || size < sizeof(std::uint32_t) || size > largest_plausible_struct) return;
  std::memset(static_cast<void*>(options), 0, size);
  std::memcpy(static_cast<void*>(options), &defaults, std::min(size, sizeof(Struct)));
  options->struct_size = static_cast<std::uint32_t>(size);
}

// The caller's options over `defaults`; `defaults` as they are when `given` is NULL.
template <typename Struct>
Struct read_options(const Struct* given, Struct defaults, std::size_t size_1_0, const char* name) {
  if (given == nullptr) return defaults;
  const std::size_t size = checked_size(*given, size_1_0, name);
  if (size > sizeof(Struct)) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(given);
    if (std::any_of(bytes + sizeof(Struct), bytes + size, [](unsigned char byte) { return byte != 0; }))
      throw Error(StatusCode::incompatible_version,
                  fmt::format("{} sets fields past the {} bytes this library knows (C API {}.{}): a newer header "
                              "asks for what this library cannot do",
                              name, sizeof(Struct), STRATA_C_API_MAJOR, STRATA_C_API_MINOR));
  }
  Struct options = defaults;
  std::memcpy(static_cast<void*>(&options), given, std::min(size, sizeof(Struct)));
  options.struct_size = static_cast<std::uint32_t>(sizeof(Struct));
  return options;
}

// Copies `filled` into the caller's struct, as far as its struct_size reaches.
template <typename Struct>
void write_info(const Struct& filled, Struct* out, std::size_t size_1_0, const char* name) {
  Struct& target = required(out, name);
  const std::size_t size = std::min(checked_size(target, size_1_0, name), sizeof(Struct));
  std::memcpy(static_cast<void*>(&target), &filled, size);
  target.struct_size = static_cast<std::uint32_t>(size);
}

// Flag bits this library does not know: a request from a newer header it cannot honour.
inline void check_flags(std::uint32_t flags, std::uint32_t known, const char* name) {
  if ((flags & ~known) != 0)
    throw Error(StatusCode::incompatible_version,
                fmt::format("{} has bits this library (C API {}.{}) does not know: {:#x}", name, STRATA_C_API_MAJOR,
                            STRATA_C_API_MINOR, flags & ~known));
}

}  // namespace strata::c_api
