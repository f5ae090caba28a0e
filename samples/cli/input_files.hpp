// Files named on the command line (device maps, simulated-device files): they may come from
// anyone, so they are read only when they are regular files of a bounded size.
#pragma once

#include <filesystem>
#include <string>

namespace strata::cli {

// Far above any device map or devices file a person writes.
inline constexpr std::uint64_t max_input_file_bytes = 16ull << 20;

// The file's text; throws Error(invalid_argument) naming the file and the problem (missing, a
// named pipe or a device, larger than max_input_file_bytes).
std::string read_input_file(const std::filesystem::path& path);

}  // namespace strata::cli
