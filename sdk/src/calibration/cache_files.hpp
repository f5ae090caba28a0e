// The cache's files on disk: entries read only when they are the user's own regular files, and
// written through a private temporary file renamed into place.
#pragma once

#include <string>
#include <string_view>

#include <sys/types.h>

namespace strata::detail {

// The temporary file a writer in process `pid` tries first (attempt 0), then attempt 1, ...:
// predictable, since O_CREAT | O_EXCL never follows or reuses whatever is already there.
std::string cache_temp_file_name(std::string_view entry_name, pid_t pid, int attempt);

}  // namespace strata::detail
