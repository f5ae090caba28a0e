#include <strata_safe_io/cache_root.hpp>

#include <strata_safe_io/environment.hpp>

#include <fmt/format.h>

namespace strata::safe_io {
namespace {

// The variable as a path when it is set to an absolute one. A relative value is ignored, as the
// XDG base directory rules ask, and noted in `note`.
std::optional<std::filesystem::path> absolute_variable(const char* name, std::string& note) {
  const std::optional<std::string> value = environment_variable(name);
  if (!value) return std::nullopt;
  std::filesystem::path path(*value);
  if (path.is_relative()) {
    note += fmt::format("{}{}={} is ignored: give an absolute path", note.empty() ? "" : "; ", name, *value);
    return std::nullopt;
  }
  return path;
}

std::optional<PrivateDir> open_checked(const std::filesystem::path& dir, bool check_parent, bool create,
                                       std::string& why) {
  if (create && !create_private_dirs(dir, why)) return std::nullopt;
  if (check_parent) {
    std::optional<PrivateDir> parent = open_private_dir(dir.parent_path(), why);
    if (!parent) return std::nullopt;
  }
  return open_private_dir(dir, why);
}

}  // namespace

std::optional<std::filesystem::path> cache_root(std::string& why) {
  why.clear();
  if (auto dir = absolute_variable("STRATA_CACHE_DIR", why)) return dir;
  if (auto xdg = absolute_variable("XDG_CACHE_HOME", why)) return *xdg / "strata";
  if (auto home = absolute_variable("HOME", why)) return *home / ".cache" / "strata";
  why = fmt::format(
      "{}{}none of STRATA_CACHE_DIR, XDG_CACHE_HOME, HOME names an absolute folder (they are ignored "
      "when the process runs elevated)",
      why, why.empty() ? "" : "; ");
  return std::nullopt;
}

std::optional<PrivateDir> open_cache_folder(const char* name, bool create, std::string& why) {
  std::string note;
  const std::optional<std::filesystem::path> root = cache_root(note);
  if (!root) {
    why = note;
    return std::nullopt;
  }
  std::optional<PrivateDir> folder = open_checked(*root / name, true, create, why);
  if (folder) why = note;
  return folder;
}

std::optional<PrivateDir> open_named_cache_folder(const std::filesystem::path& dir, bool create, std::string& why) {
  return open_checked(dir, false, create, why);
}

}  // namespace strata::safe_io
