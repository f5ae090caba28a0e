#include <strata_safe_io/private_file.hpp>

#include <strata_safe_io/unique_fd.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace strata::safe_io {
namespace {

constexpr int temp_file_attempts = 64;

bool write_all(int fd, std::string_view bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t put = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    written += static_cast<std::size_t>(put);
  }
  return true;
}

// A new file of mode 0600 in `dir`, created where nothing exists yet; its name in `temp_name`.
UniqueFd create_temp_file(const PrivateDir& dir, const std::string& name, std::string& temp_name, std::string& why) {
  for (int attempt = 0; attempt < temp_file_attempts; ++attempt) {
    temp_name = temp_file_name(name, ::getpid(), attempt);
    UniqueFd fd(::openat(dir.fd.get(), temp_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                         S_IRUSR | S_IWUSR));
    if (fd) return fd;
    if (errno != EEXIST) {
      why = fmt::format("creating {}: {}", temp_name, std::strerror(errno));
      return {};
    }
  }
  why = fmt::format("{} temporary names for {} are all taken; remove the stale .*.tmp files", temp_file_attempts, name);
  return {};
}

}  // namespace

std::optional<std::string> read_private_file(const PrivateDir& dir, const std::string& name, std::uint64_t max_bytes,
                                             std::string& why) {
  why.clear();
  // O_NOFOLLOW: a planted symlink is refused, never read through; O_NONBLOCK: a planted FIFO
  // cannot block the open.
  UniqueFd fd(::openat(dir.fd.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::nullopt;
    why = errno == ELOOP ? "is a symlink" : fmt::format("cannot be opened: {}", std::strerror(errno));
    return std::nullopt;
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    why = fmt::format("cannot be inspected: {}", std::strerror(errno));
    return std::nullopt;
  }
  if (!S_ISREG(info.st_mode)) {
    why = "is not a regular file";
  } else if (info.st_uid != ::geteuid()) {
    why = fmt::format("belongs to user id {}, not to this user ({})", info.st_uid, ::geteuid());
  } else if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    why = fmt::format("is writable by other users (mode {:o})", info.st_mode & 07777);
  } else if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    why = fmt::format("is {} bytes, more than such a file may be ({})", info.st_size, max_bytes);
  }
  if (!why.empty()) return std::nullopt;
  // Read at most one byte past the limit: the file may have grown since fstat.
  std::string bytes(static_cast<std::size_t>(info.st_size) + 1, '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::read(fd.get(), bytes.data() + filled, bytes.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      why = fmt::format("cannot be read: {}", std::strerror(errno));
      return std::nullopt;
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  if (filled != static_cast<std::size_t>(info.st_size)) {
    why = "changed size while it was read";
    return std::nullopt;
  }
  bytes.resize(filled);
  return bytes;
}

bool write_private_file(const PrivateDir& dir, const std::string& name, std::string_view bytes, std::string& why) {
  why.clear();
  std::string temp_name;
  UniqueFd fd = create_temp_file(dir, name, temp_name, why);
  if (!fd) return false;
  // fsync before rename: after a crash the file is either the old one or the whole new one.
  const bool written = write_all(fd.get(), bytes) && ::fsync(fd.get()) == 0;
  const int write_error = errno;
  fd.reset();
  // renameat replaces whatever has the name, a planted symlink included, without following it.
  if (!written || ::renameat(dir.fd.get(), temp_name.c_str(), dir.fd.get(), name.c_str()) != 0) {
    const int error = written ? errno : write_error;
    ::unlinkat(dir.fd.get(), temp_name.c_str(), 0);
    why = fmt::format("{} {}: {}", written ? "renaming into" : "writing", name, std::strerror(error));
    return false;
  }
  return true;
}

std::string temp_file_name(std::string_view name, pid_t pid, int attempt) {
  return fmt::format(".{}.{}.{}.tmp", name, pid, attempt);
}

}  // namespace strata::safe_io
