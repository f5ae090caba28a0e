// Where the calibration cache lives, found from the environment.
#pragma once

#include <filesystem>
#include <optional>

namespace strata::detail {

// The cache folder to read: `explicit_dir` when given, else "calibration" below
// safe_io::cache_root; nullopt when it does not exist or may not be trusted (why is logged).
// Creates nothing.
std::optional<std::filesystem::path> readable_cache_dir(const std::optional<std::filesystem::path>& explicit_dir);

// The cache folder to write: like readable_cache_dir, but creates it (0700) when missing.
std::optional<std::filesystem::path> writable_cache_dir(const std::optional<std::filesystem::path>& explicit_dir);

}  // namespace strata::detail
