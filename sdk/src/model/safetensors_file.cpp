// A safetensors file, validated and mapped read-only. Its bytes are read two ways, each safe when
// the file is truncated or rewritten while in use:
// - loading copies tensors with pread, piece by piece: a file cut short gives a short read and an
//   Error naming it, where a copy out of the mapping would raise SIGBUS;
// - "disk" units compute on the mapping itself, at generation time, in the CPU backend's threads.
//   A MappingGuard turns a lost page into zeros instead of SIGBUS, and check_unchanged(), which
//   the session calls around every step, reports the file as soon as it differs from what was
//   opened (its size or modification time).
#include "model/mapping_guard.hpp"
#include "model/safetensors_header.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>

#include <strata_safe_io/printable.hpp>
#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

struct SafetensorsFile::State {
  std::filesystem::path path;
  safe_io::UniqueFd fd;  // kept open: pread, and fstat to see whether the file changed
  struct stat opened {};
  void* base = nullptr;
  std::size_t size = 0;
  detail::MappingGuard guard;
  SafetensorsHeader header;

  ~State() {
    guard = detail::MappingGuard();  // stop guarding before the pages go
    if (base) ::munmap(base, size);
  }
};

namespace {

// Pieces loading reads at a time: large enough to keep the disk busy, a whole number of elements
// of every dtype.
constexpr std::size_t read_piece_bytes = std::size_t{8} << 20;

[[noreturn]] void fail_system(const std::filesystem::path& path, std::string_view what) {
  throw Error(StatusCode::unavailable, fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(errno)));
}

[[noreturn]] void fail_changed(const std::filesystem::path& path, std::string_view what) {
  throw Error(
      StatusCode::unavailable,
      fmt::format("{}: {}; a checkpoint's files must not change while it is open: open it again", path.string(), what));
}

bool same_time(const timespec& a, const timespec& b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

// Reads exactly `bytes.size()` bytes at `offset`; false when the file ends first.
bool read_at(int fd, std::uint64_t offset, std::span<std::byte> bytes, const std::filesystem::path& path) {
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::pread(fd, bytes.data() + filled, bytes.size() - filled, static_cast<off_t>(offset + filled));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail_system(path, "be read");
    if (got == 0) return false;
    filled += static_cast<std::size_t>(got);
  }
  return true;
}

}  // namespace

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  auto state = std::make_unique<State>();
  state->path = path;
  std::string why;
  std::optional<safe_io::RegularFile> file = safe_io::open_regular_file(path, why);
  if (!file) {
    const bool opened = why.rfind("cannot", 0) != 0;  // it opened, but is no regular file
    throw Error(opened ? StatusCode::invalid_argument : StatusCode::unavailable,
                fmt::format("{}: {}{}", path.string(), why,
                            opened ? "; a safetensors file must be a regular file (or a symlink to one)" : ""));
  }
  state->fd = std::move(file->fd);
  state->opened = file->info;
  state->size = static_cast<std::size_t>(state->opened.st_size);
  if (state->size == 0)
    throw Error(StatusCode::invalid_argument,
                fmt::format("{}: is empty; a safetensors file starts with an 8-byte header length", path.string()));

  std::array<std::byte, 8> length_field{};
  if (state->size >= length_field.size() && !read_at(state->fd.get(), 0, length_field, path))
    fail_changed(path, "became shorter while its header was read");
  const std::uint64_t header_bytes = detail::safetensors_header_length(length_field, state->size, path.string());
  std::string text(static_cast<std::size_t>(header_bytes), '\0');
  if (!read_at(state->fd.get(), 8, std::as_writable_bytes(std::span(text)), path))
    fail_changed(path, "became shorter while its header was read");
  state->header = detail::parse_safetensors_header_text(text, state->size, path.string());

  void* base = ::mmap(nullptr, state->size, PROT_READ, MAP_PRIVATE, state->fd.get(), 0);
  if (base == MAP_FAILED) fail_system(path, "be memory-mapped");
  state->base = base;
  state->guard = detail::MappingGuard(base, state->size);
  return SafetensorsFile(std::move(state));
}

SafetensorsFile::SafetensorsFile(std::unique_ptr<State> state) : state_(std::move(state)) {}
SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

const std::filesystem::path& SafetensorsFile::path() const { return state_->path; }
const SafetensorsHeader& SafetensorsFile::header() const { return state_->header; }

std::span<const std::byte> SafetensorsFile::mapping() const {
  return {static_cast<const std::byte*>(state_->base), state_->size};
}

std::span<const std::byte> SafetensorsFile::data(const SafetensorsTensor& tensor) const {
  return mapping().subspan(state_->header.data_offset + tensor.begin, tensor.bytes());
}

void SafetensorsFile::read(const SafetensorsTensor& tensor,
                           const std::function<void(std::span<const std::byte>)>& sink) const {
  check_unchanged();
  std::vector<std::byte> piece(std::min<std::uint64_t>(tensor.bytes(), read_piece_bytes));
  const std::uint64_t start = state_->header.data_offset + tensor.begin;
  for (std::uint64_t done = 0; done < tensor.bytes();) {
    const auto count = static_cast<std::size_t>(std::min<std::uint64_t>(piece.size(), tensor.bytes() - done));
    const std::span<std::byte> bytes(piece.data(), count);
    if (!read_at(state_->fd.get(), start + done, bytes, state_->path)) {
      struct stat now {};
      ::fstat(state_->fd.get(), &now);
      fail_changed(state_->path, fmt::format("ends at byte {}, inside tensor '{}' (bytes {} to {}); it held {} bytes "
                                             "when opened",
                                             now.st_size, safe_io::printable(tensor.name), start,
                                             start + tensor.bytes(), state_->size));
    }
    sink(bytes);
    done += count;
  }
}

void SafetensorsFile::check_unchanged() const {
  struct stat now {};
  if (::fstat(state_->fd.get(), &now) != 0) fail_system(state_->path, "be examined");
  // The descriptor holds the inode that was opened: a file put in its place by rename leaves the
  // mapping as it was, so only a change of this inode matters.
  if (now.st_size != state_->opened.st_size)
    fail_changed(state_->path, fmt::format("now holds {} bytes, {} when it was opened", now.st_size, state_->size));
  if (!same_time(now.st_mtim, state_->opened.st_mtim)) fail_changed(state_->path, "was modified after it was opened");
  if (const std::uint64_t lost = state_->guard.faults())
    fail_changed(state_->path,
                 fmt::format("{} of its mapped pages could not be read (the file shrank or the disk failed)", lost));
}

}  // namespace strata
