#include "calibration/cache_dir.hpp"

#include "core/log.hpp"

#include <strata/calibration.hpp>

#include <strata_safe_io/cache_root.hpp>

#include <string>

namespace strata {
namespace detail {
namespace {

constexpr const char* cache_folder_name = "calibration";

// The folder when it may be used (see safe_io::open_cache_folder); why not is logged.
std::optional<std::filesystem::path> cache_dir(const std::optional<std::filesystem::path>& explicit_dir, bool create) {
  std::string why;
  const std::optional<safe_io::PrivateDir> folder = explicit_dir
                                                        ? safe_io::open_named_cache_folder(*explicit_dir, create, why)
                                                        : safe_io::open_cache_folder(cache_folder_name, create, why);
  if (folder) {
    if (!why.empty()) log_warning("calibration cache: {}", why);
    return folder->path;
  }
  if (why.empty()) {
    log_debug("calibration cache: {} does not exist yet",
              explicit_dir ? explicit_dir->string() : std::string("the cache folder"));
  } else {
    log_warning("calibration cache not used: {}", why);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::filesystem::path> readable_cache_dir(const std::optional<std::filesystem::path>& explicit_dir) {
  return cache_dir(explicit_dir, false);
}

std::optional<std::filesystem::path> writable_cache_dir(const std::optional<std::filesystem::path>& explicit_dir) {
  return cache_dir(explicit_dir, true);
}

}  // namespace detail

std::optional<std::filesystem::path> calibration_cache_dir() { return detail::writable_cache_dir(std::nullopt); }

}  // namespace strata
