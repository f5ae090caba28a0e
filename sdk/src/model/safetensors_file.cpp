// A safetensors file mapped read-only: the loader streams tensors from the mapping straight into
// device buffers, and "disk" units compute on it directly. It is opened only when it is a regular
// file, and its header is read with pread.
#include "model/safetensors_header.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>

#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

struct SafetensorsFile::State {
  std::filesystem::path path;
  safe_io::UniqueFd fd;
  struct stat opened {};
  void* base = nullptr;
  std::size_t size = 0;
  SafetensorsHeader header;

  ~State() {
    if (base) ::munmap(base, size);
  }
};

namespace {

[[noreturn]] void fail_system(const std::filesystem::path& path, std::string_view what) {
  throw Error(StatusCode::unavailable, fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(errno)));
}

[[noreturn]] void fail_changed(const std::filesystem::path& path, std::string_view what) {
  throw Error(
      StatusCode::unavailable,
      fmt::format("{}: {}; a checkpoint's files must not change while it is open: open it again", path.string(), what));
}

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

}  // namespace strata
