// The on-disk cache of built OpenCL programs, so a second start skips the compiler.
// One file per key (device, driver, build options, source hash), named by the key's hash and
// holding the full key, so a hash collision or a stale entry is recognised and rebuilt.
// Files are written to a temporary name and renamed into place, so readers never see half a
// file; a file that fails any check is ignored (and later overwritten).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata_opencl {

using Binary = std::vector<unsigned char>;

// FNV-1a, 64 bits: a fingerprint for sources and keys (not a defence against tampering).
std::uint64_t fingerprint(std::string_view bytes);

// $STRATA_CACHE_DIR/opencl, else $XDG_CACHE_HOME/strata/opencl, else ~/.cache/strata/opencl;
// empty when none of them is set.
std::filesystem::path cache_directory();

std::filesystem::path cache_file(const std::filesystem::path& directory, const std::string& key);

// The binary stored under `key`, or nothing when the file is missing, truncated, corrupt or
// made for another key.
std::optional<Binary> load_cached_binary(const std::filesystem::path& directory, const std::string& key);

// Best effort: a cache that cannot be written is logged as a warning, never an error.
void store_cached_binary(const std::filesystem::path& directory, const std::string& key, const Binary& binary);

}  // namespace strata_opencl
