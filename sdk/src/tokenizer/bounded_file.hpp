// Reading a file that came from someone else: only a regular file (never a FIFO or a device that
// would block or never end), and no more than a limit, checked before anything is read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace strata::tokenization {

// The file's bytes; Error(invalid_argument) when it cannot be opened, is not a regular file or
// holds more than `max_bytes`.
std::string read_bounded_file(const std::filesystem::path& path, std::uint64_t max_bytes);

}  // namespace strata::tokenization
