// Files inside a PrivateDir: read only when they are the user's own regular files that no one else
// may write, written through a new private temporary file renamed into place. Neither ever follows
// a symlink, blocks on a FIFO, or truncates a file that was already there.
#pragma once

#include <strata_safe_io/private_dir.hpp>

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace strata::safe_io {

// The file's bytes when it passes the checks and holds at most `max_bytes`; otherwise nullopt
// with the reason in `why`, phrased to follow the file's name ("is a symlink"; empty when there
// is no such file).
std::optional<std::string> read_private_file(const PrivateDir& dir, const std::string& name, std::uint64_t max_bytes,
                                             std::string& why);

// Writes `bytes` to `name` atomically: readers see the old file or the whole new one, even after a
// crash. False with the reason in `why`.
bool write_private_file(const PrivateDir& dir, const std::string& name, std::string_view bytes, std::string& why);

// The temporary file a writer in process `pid` tries first (attempt 0), then attempt 1, ...:
// predictable, since O_CREAT | O_EXCL never follows or reuses whatever is already there.
std::string temp_file_name(std::string_view name, pid_t pid, int attempt);

}  // namespace strata::safe_io
