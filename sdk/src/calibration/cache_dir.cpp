#include "calibration/cache_dir.hpp"

#include "calibration/private_dir.hpp"
#include "core/environment.hpp"
#include "core/log.hpp"

#include <strata/calibration.hpp>

#include <string>

namespace strata {
namespace detail {
namespace {

// An environment path counts only when absolute: a relative one would depend on the current
// directory, which the SDK never searches.
std::optional<std::filesystem::path> absolute_variable(const char* name) {
  auto value = environment_variable(name);
  if (!value) return std::nullopt;
  std::filesystem::path path(*value);
  if (path.is_relative()) {
    logger().warn("calibration cache: {}={} is ignored: give an absolute path", name, *value);
    return std::nullopt;
  }
  return path;
}

// The folder the environment chooses for Strata's caches ("strata" itself, or STRATA_CACHE_DIR).
std::optional<std::filesystem::path> strata_cache_root() {
  if (auto dir = absolute_variable("STRATA_CACHE_DIR")) return dir;
  if (auto xdg = absolute_variable("XDG_CACHE_HOME")) return *xdg / "strata";
  if (auto home = absolute_variable("HOME")) return *home / ".cache" / "strata";
  return std::nullopt;
}

// A folder the cache may use (see open_private_dir); why not is logged.
bool trusted(const std::filesystem::path& dir) {
  std::string why;
  if (open_private_dir(dir, why)) return true;
  if (why.empty()) {
    logger().debug("calibration cache: {} does not exist", dir.string());
  } else {
    logger().warn("calibration cache not used: {}", why);
  }
  return false;
}

// `dir` when it may be used. The root the environment chose must be private too: where others may
// write it, they could swap the folder below.
std::optional<std::filesystem::path> trusted_cache_dir(const std::filesystem::path& dir, bool check_root) {
  if (check_root && !trusted(dir.parent_path())) return std::nullopt;
  if (!trusted(dir)) return std::nullopt;
  return dir;
}

}  // namespace

std::optional<std::filesystem::path> cache_dir_from_environment() {
  if (auto root = strata_cache_root()) return *root / "calibration";
  logger().debug(
      "calibration cache: none of STRATA_CACHE_DIR, XDG_CACHE_HOME, HOME is set (or the process runs "
      "elevated)");
  return std::nullopt;
}

std::optional<std::filesystem::path> readable_cache_dir(const std::optional<std::filesystem::path>& explicit_dir) {
  const std::optional<std::filesystem::path> dir = explicit_dir ? explicit_dir : cache_dir_from_environment();
  if (!dir) return std::nullopt;
  return trusted_cache_dir(*dir, !explicit_dir);
}

std::optional<std::filesystem::path> writable_cache_dir(const std::optional<std::filesystem::path>& explicit_dir) {
  const std::optional<std::filesystem::path> dir = explicit_dir ? explicit_dir : cache_dir_from_environment();
  if (!dir) return std::nullopt;
  std::string why;
  if (!create_private_dirs(*dir, why)) {
    logger().warn("calibration cache not used: {}", why);
    return std::nullopt;
  }
  return trusted_cache_dir(*dir, !explicit_dir);
}

}  // namespace detail

std::optional<std::filesystem::path> calibration_cache_dir() { return detail::writable_cache_dir(std::nullopt); }

}  // namespace strata
