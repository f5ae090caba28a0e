// A safetensors file mapped read-only: the loader streams tensors from the mapping straight into
// device buffers, and "disk" units compute on it directly.
#include <strata/checkpoint.hpp>
#include <strata/error.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace strata {

struct SafetensorsFile::State {
  std::filesystem::path path;
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

// Closes the descriptor on every path out of open().
struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  auto state = std::make_unique<State>();
  state->path = path;
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail_system(path, "be opened");
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) fail_system(path, "be examined");
  if (!S_ISREG(info.st_mode))
    throw Error(StatusCode::invalid_argument, fmt::format("{}: is not a regular file", path.string()));
  state->size = static_cast<std::size_t>(info.st_size);
  if (state->size == 0)
    throw Error(StatusCode::invalid_argument,
                fmt::format("{}: is empty; a safetensors file starts with an 8-byte header length", path.string()));
  void* base = ::mmap(nullptr, state->size, PROT_READ, MAP_PRIVATE, file.fd, 0);
  if (base == MAP_FAILED) fail_system(path, "be memory-mapped");
  state->base = base;
  state->header = parse_safetensors_header(std::span(static_cast<const std::byte*>(base), state->size), path.string());
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
