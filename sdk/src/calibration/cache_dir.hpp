// Where the calibration cache lives, found from the environment.
#pragma once

#include <filesystem>
#include <optional>

namespace strata::detail {

// $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else $HOME/.cache/strata, with "calibration"
// below; nullopt when none is set to an absolute path (or the process runs elevated). Only
// names the folder: it may not exist.
std::optional<std::filesystem::path> cache_dir_from_environment();

// The cache folder to read: `explicit_dir` when given, else the environment's; nullopt when it
// does not exist or may not be trusted (why is logged). Creates nothing.
std::optional<std::filesystem::path> readable_cache_dir(const std::optional<std::filesystem::path>& explicit_dir);

// The cache folder to write: like readable_cache_dir, but creates it (0700) when missing.
std::optional<std::filesystem::path> writable_cache_dir(const std::optional<std::filesystem::path>& explicit_dir);

}  // namespace strata::detail
