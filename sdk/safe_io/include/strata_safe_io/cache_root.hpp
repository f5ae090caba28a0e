// Where Strata's caches live: one root folder, one subfolder per cache (calibration, opencl,
// vulkan), each used only when private to the user (private_dir.hpp).
#pragma once

#include <strata_safe_io/private_dir.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace strata::safe_io {

// $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata, else $HOME/.cache/strata. A relative value is
// skipped (it would depend on the current folder) and noted in `why`, even when another variable
// names the folder. nullopt with the reason in `why` when none does or the process runs elevated.
std::optional<std::filesystem::path> cache_root(std::string& why);

// The subfolder `name` of the cache root, opened as a PrivateDir: created 0700 with its missing
// parents when `create`, and used only when both it and the root pass open_private_dir's checks
// (where others may write the root, they could swap the folder below). nullopt with the reason
// in `why` (empty when the folder simply does not exist and `create` is false). On success `why`
// holds cache_root's note, if any, for the caller to log.
std::optional<PrivateDir> open_cache_folder(const char* name, bool create, std::string& why);

// The same for a folder the caller names itself (an option, not the environment): only the
// folder itself is checked.
std::optional<PrivateDir> open_named_cache_folder(const std::filesystem::path& dir, bool create, std::string& why);

}  // namespace strata::safe_io
