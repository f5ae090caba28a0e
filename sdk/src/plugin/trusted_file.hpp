// Whether a plugin file may be loaded: code loaded into the process must be as trusted as the
// process itself, so, as ld.so and the Vulkan loader refuse untrusted paths, Strata refuses a file
// another user could have written or replaced.
#pragma once

#include <filesystem>
#include <string>

namespace strata::detail {

// Empty when `path` may be loaded; otherwise why not, with the fix. The rules: an absolute path
// (never resolved against the current folder); a regular file owned by root or by this user and
// writable by no one else (world-writable, or group-writable by a group other than the process's
// own); its folder likewise; and every folder above it writable by no one else unless sticky (as
// /tmp is, where others may not replace what is yours).
std::string untrusted_plugin_file(const std::filesystem::path& path);

}  // namespace strata::detail
