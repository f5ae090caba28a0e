// Folders the cache may use: a real directory (never a symlink), owned by the effective user
// and writable by no one else. Opened once and used through its descriptor, so the folder
// cannot be swapped for another between the check and the use.
#pragma once

#include <strata_safe_io/unique_fd.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace strata::safe_io {

struct PrivateDir {
  UniqueFd fd;
  std::filesystem::path path;
};

// Opens `path` when it passes the checks; otherwise nullopt with the reason in `why` (empty
// when the folder simply does not exist).
std::optional<PrivateDir> open_private_dir(const std::filesystem::path& path, std::string& why);

// Creates `path` and its missing parents with mode 0700. Existing folders are left as they are
// (open_private_dir judges the ones the cache uses). Returns false with the reason in `why`.
bool create_private_dirs(const std::filesystem::path& path, std::string& why);

}  // namespace strata::safe_io
