// The on-disk cache of built OpenCL programs, so a second start skips the compiler. It lives in
// "opencl" below Strata's cache root and is used only when that folder is private to the user
// (strata_safe_io): a program binary is code the driver loads, so no one else may plant one.
// One file per key (device, driver, build options, source hash), named by the key's hash and
// holding the full key, so a hash collision or a stale entry is recognised and rebuilt.
// Files are written to a new private temporary file and renamed into place, so readers never see
// half a file; a file that fails any check is ignored (and later overwritten).
#pragma once

#include <strata_safe_io/private_dir.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata_opencl {

using Binary = std::vector<unsigned char>;
using strata::safe_io::PrivateDir;

// The largest cached program read back: far above any real one (hundreds of KiB).
inline constexpr std::uint64_t max_cached_program_bytes = 64ull << 20;

// FNV-1a, 64 bits: a fingerprint for sources and keys (not a defence against tampering: the
// folder's privacy is).
std::uint64_t fingerprint(std::string_view bytes);

// The cache folder, created 0700 when missing; nullopt (with a warning when something is wrong
// rather than merely unset) when there is none that may be used.
std::optional<PrivateDir> open_program_cache();

std::string cache_file_name(const std::string& key);

// The binary stored under `key`, or nothing when the file is missing, untrusted, truncated,
// corrupt or made for another key (logged unless missing).
std::optional<Binary> load_cached_binary(const PrivateDir& folder, const std::string& key);

// Best effort: a cache that cannot be written is logged as a warning, never an error.
void store_cached_binary(const PrivateDir& folder, const std::string& key, const Binary& binary);

}  // namespace strata_opencl
