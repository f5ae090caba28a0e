// Files that come from others (a model folder, a devices file) opened only when they are regular
// files: a named pipe would block the open or the read forever, a device such as /dev/zero would
// feed bytes without end. Symlinks to regular files are followed, since Hugging Face caches link
// every file of a snapshot into blobs/.
#pragma once

#include <strata_safe_io/unique_fd.hpp>

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace strata::safe_io {

struct RegularFile {
  UniqueFd fd;
  struct stat info {};  // as the file was when opened
};

// `path` opened read-only (O_NONBLOCK, so that a FIFO cannot block, and O_CLOEXEC) when it is a
// regular file; otherwise nullopt with the reason in `why`, phrased to follow the file's name
// ("is a named pipe, not a regular file", "cannot be opened: No such file or directory").
std::optional<RegularFile> open_regular_file(const std::filesystem::path& path, std::string& why);

// The whole content of the regular file `path` when it holds at most `max_bytes`; otherwise
// nullopt with the reason in `why`, phrased as above; too large a file is refused before any
// of it is read, with its size and the cap.
std::optional<std::string> read_regular_file(const std::filesystem::path& path, std::uint64_t max_bytes,
                                             std::string& why);

// "4 MiB", "1.5 GiB", "512 bytes": sizes in messages.
std::string size_text(std::uint64_t bytes);

}  // namespace strata::safe_io
