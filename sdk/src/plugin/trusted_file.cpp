#include "plugin/trusted_file.hpp"

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace strata::detail {
namespace {

// Writable by everyone, or by a group other than this process's own: with user-private groups
// (umask 002, the Debian default for people) a build tree is group-writable by the user's own
// group, which lets no one else in.
bool writable_by_others(const struct stat& info) {
  return (info.st_mode & S_IWOTH) != 0 || ((info.st_mode & S_IWGRP) != 0 && info.st_gid != ::getegid());
}

bool owned_by_root_or_us(const struct stat& info) { return info.st_uid == 0 || info.st_uid == ::geteuid(); }

std::string check_owned_and_private(const std::filesystem::path& path, const struct stat& info, const char* what) {
  if (!owned_by_root_or_us(info))
    return fmt::format(
        "its {} {} belongs to user id {}, neither root nor this user; install plugins in a folder of "
        "root's or your own",
        what, path.string(), info.st_uid);
  if (writable_by_others(info))
    return fmt::format("its {} {} is writable by other users (mode {:o}); run `chmod go-w {}`", what, path.string(),
                       info.st_mode & 07777, path.string());
  return {};
}

}  // namespace

std::string untrusted_plugin_file(const std::filesystem::path& path) {
  if (path.is_relative())
    return fmt::format(
        "{} is a relative path; plugins are loaded by absolute path only (the current folder is never "
        "searched)",
        path.string());
  std::error_code error;
  // The file the loader will map, links resolved: the checks apply to what is really loaded.
  const std::filesystem::path real = std::filesystem::canonical(path, error);
  if (error) return fmt::format("{} cannot be resolved: {}", path.string(), error.message());
  struct stat info {};
  if (::stat(real.c_str(), &info) != 0)
    return fmt::format("{} cannot be inspected: {}", real.string(), std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return fmt::format("{} is not a regular file", real.string());
  if (std::string why = check_owned_and_private(real, info, "file"); !why.empty()) return why;
  const std::filesystem::path folder = real.parent_path();
  if (::stat(folder.c_str(), &info) != 0)
    return fmt::format("its folder {} cannot be inspected: {}", folder.string(), std::strerror(errno));
  if (std::string why = check_owned_and_private(folder, info, "folder"); !why.empty()) return why;
  for (std::filesystem::path above = folder.parent_path(); above != above.parent_path(); above = above.parent_path()) {
    if (::stat(above.c_str(), &info) != 0) continue;
    if (writable_by_others(info) && (info.st_mode & S_ISVTX) == 0)
      return fmt::format(
          "the folder {} above it is writable by other users (mode {:o}) without the sticky bit, so "
          "they could replace the plugin's folder; run `chmod go-w {}`",
          above.string(), info.st_mode & 07777, above.string());
  }
  return {};
}

}  // namespace strata::detail
