#include <strata_safe_io/private_dir.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace strata::safe_io {

std::optional<PrivateDir> open_private_dir(const std::filesystem::path& path, std::string& why) {
  why.clear();
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    const int error = errno;
    if (error == ENOENT) return std::nullopt;
    if (error == ELOOP || error == ENOTDIR)
      why = fmt::format("{} is not a real folder (a symlink or a file); remove it or point STRATA_CACHE_DIR elsewhere",
                        path.string());
    else
      why = fmt::format("cannot open {}: {}", path.string(), std::strerror(error));
    return std::nullopt;
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    why = fmt::format("cannot inspect {}: {}", path.string(), std::strerror(errno));
    return std::nullopt;
  }
  if (info.st_uid != ::geteuid()) {
    why = fmt::format("{} belongs to user id {}, not to this user ({}); use a folder of your own (STRATA_CACHE_DIR)",
                      path.string(), info.st_uid, ::geteuid());
    return std::nullopt;
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    why = fmt::format("{} is writable by other users (mode {:o}); run `chmod go-w {}` or use another folder",
                      path.string(), info.st_mode & 07777, path.string());
    return std::nullopt;
  }
  return PrivateDir{std::move(fd), path};
}

bool create_private_dirs(const std::filesystem::path& path, std::string& why) {
  std::filesystem::path partial;
  for (const auto& part : path) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      why = fmt::format("cannot create {}: {}", partial.string(), std::strerror(errno));
      return false;
    }
  }
  return true;
}

}  // namespace strata::safe_io
