#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace strata::safe_io {
namespace {

const char* kind_of_file(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a plain file";
}

}  // namespace

std::optional<RegularFile> open_regular_file(const std::filesystem::path& path, std::string& why) {
  why.clear();
  // O_NOCTTY: a terminal device named here must not become the process's controlling terminal.
  RegularFile file;
  file.fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!file.fd) {
    why = fmt::format("cannot be opened: {}", std::strerror(errno));
    return std::nullopt;
  }
  if (::fstat(file.fd.get(), &file.info) != 0) {
    why = fmt::format("cannot be inspected: {}", std::strerror(errno));
    return std::nullopt;
  }
  if (!S_ISREG(file.info.st_mode)) {
    why = fmt::format("is {}, not a regular file", kind_of_file(file.info.st_mode));
    return std::nullopt;
  }
  return file;
}

std::optional<std::string> read_regular_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                                             std::string& why) {
  std::optional<RegularFile> file = open_regular_file(path, why);
  if (!file) return std::nullopt;
  const auto size = static_cast<std::uint64_t>(file->info.st_size);
  if (size > max_bytes) {
    why = fmt::format("is {} ({} bytes), more than the {} such a file may hold", size_text(size), size,
                      size_text(max_bytes));
    return std::nullopt;
  }
  // One byte past the size fstat gave: a file that grew since is noticed, and never read past
  // the cap.
  std::string bytes(static_cast<std::size_t>(size) + 1, '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::read(file->fd.get(), bytes.data() + filled, bytes.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      why = fmt::format("cannot be read: {}", std::strerror(errno));
      return std::nullopt;
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  if (filled != size) {
    why = "changed size while it was read";
    return std::nullopt;
  }
  bytes.resize(filled);
  return bytes;
}

std::string size_text(std::uint64_t bytes) {
  constexpr const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.4g} {}", value, units[unit]);
}

}  // namespace strata::safe_io
