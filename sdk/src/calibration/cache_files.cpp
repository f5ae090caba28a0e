#include "calibration/cache_files.hpp"

#include "calibration/cache_entry.hpp"
#include "calibration/private_dir.hpp"
#include "calibration/unique_fd.hpp"
#include "core/log.hpp"

#include <strata/calibration.hpp>
#include <strata/error.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>

namespace strata {
namespace detail {
namespace {

constexpr int temp_file_attempts = 64;

// The entry's text when it is a regular file of this user's that no one else may write, and of
// a sane size; otherwise nullopt with the reason in `why` (empty when there is no entry).
std::optional<std::string> read_entry_file(const PrivateDir& dir, const std::string& name, std::string& why) {
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
  } else if (static_cast<std::uint64_t>(info.st_size) > cache_entry_max_bytes) {
    why = fmt::format("is {} bytes, more than an entry can be ({})", info.st_size, cache_entry_max_bytes);
  }
  if (!why.empty()) return std::nullopt;
  // Read at most one byte past the limit: the file may have grown since fstat.
  std::string text(cache_entry_max_bytes + 1, '\0');
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t got = ::read(fd.get(), text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      why = fmt::format("cannot be read: {}", std::strerror(errno));
      return std::nullopt;
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  if (filled > cache_entry_max_bytes) {
    why = "grew past the size an entry can be while it was read";
    return std::nullopt;
  }
  text.resize(filled);
  return text;
}

bool write_all(int fd, const std::string& text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t put = ::write(fd, text.data() + written, text.size() - written);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    written += static_cast<std::size_t>(put);
  }
  return true;
}

[[noreturn]] void fail_write(const std::filesystem::path& dir, const std::string& what) {
  throw Error(StatusCode::unavailable,
              fmt::format("cannot write the calibration cache in {}: {}; check the folder's space and permissions, "
                          "or set STRATA_CACHE_DIR to another folder",
                          dir.string(), what));
}

// A new private file in `dir`, created where nothing exists yet; its name in `name`.
UniqueFd create_temp_file(const PrivateDir& dir, const std::string& entry_name, std::string& name) {
  for (int attempt = 0; attempt < temp_file_attempts; ++attempt) {
    name = cache_temp_file_name(entry_name, ::getpid(), attempt);
    UniqueFd fd(
        ::openat(dir.fd.get(), name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR));
    if (fd) return fd;
    if (errno != EEXIST) fail_write(dir.path, fmt::format("creating {}: {}", name, std::strerror(errno)));
  }
  fail_write(dir.path, fmt::format("{} temporary names for {} are all taken; remove the stale .*.tmp files",
                                   temp_file_attempts, entry_name));
}

}  // namespace

std::string cache_temp_file_name(std::string_view entry_name, pid_t pid, int attempt) {
  return fmt::format(".{}.{}.{}.tmp", entry_name, pid, attempt);
}

}  // namespace detail

std::optional<DeviceMeasurements> read_cached_measurements(const DeviceInfo& device, const std::filesystem::path& dir) {
  std::string why;
  const std::optional<detail::PrivateDir> folder = detail::open_private_dir(dir, why);
  if (!folder) {
    if (!why.empty()) detail::logger().warn("calibration cache not used: {}", why);
    return std::nullopt;
  }
  const std::string name = detail::cache_entry_file_name(device);
  const std::optional<std::string> text = detail::read_entry_file(*folder, name, why);
  std::optional<DeviceMeasurements> measurements;
  bool outdated = false;
  if (text) measurements = detail::decode_cache_entry(*text, device, why, outdated);
  if (!why.empty()) {
    // An upgrade leaves outdated entries behind: expected, so not worth a warning. A damaged or
    // untrusted entry is.
    const auto level = outdated ? spdlog::level::info : spdlog::level::warn;
    detail::logger().log(level,
                         "{}: calibration cache entry {} ignored (the device is measured again when a plan needs it, "
                         "or by `strata calibrate`): it {}",
                         device.name, (dir / name).string(), why);
  }
  return measurements;
}

void write_cached_measurements(const DeviceInfo& device, const DeviceMeasurements& measurements,
                               const std::filesystem::path& dir) {
  std::string why;
  const std::optional<detail::PrivateDir> folder = detail::open_private_dir(dir, why);
  if (!folder) detail::fail_write(dir, why.empty() ? "the folder does not exist" : why);
  const std::string entry_name = detail::cache_entry_file_name(device);
  std::string temp_name;
  detail::UniqueFd fd = detail::create_temp_file(*folder, entry_name, temp_name);
  const std::string text = detail::encode_cache_entry(device, measurements);
  const bool written = detail::write_all(fd.get(), text) && ::fsync(fd.get()) == 0;
  const int write_error = errno;
  fd.reset();
  // renameat replaces whatever has the entry's name, a planted symlink included, without
  // following it.
  if (!written || ::renameat(folder->fd.get(), temp_name.c_str(), folder->fd.get(), entry_name.c_str()) != 0) {
    const int error = written ? errno : write_error;
    ::unlinkat(folder->fd.get(), temp_name.c_str(), 0);
    detail::fail_write(
        dir, fmt::format("{} {}: {}", written ? "renaming into" : "writing", entry_name, std::strerror(error)));
  }
  detail::logger().debug("{}: measurements cached in {}", device.name, (dir / entry_name).string());
}

}  // namespace strata
