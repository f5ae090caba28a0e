#include "program_cache.hpp"

#include <strata_plugin/host.hpp>
#include <strata_safe_io/cache_root.hpp>
#include <strata_safe_io/private_file.hpp>

#include <fmt/format.h>

#include <cstring>

namespace strata_opencl {
namespace {

constexpr char kMagic[8] = {'S', 'T', 'R', 'A', 'T', 'A', 'C', 'L'};
constexpr std::uint32_t kFormatVersion = 1;

// Layout: magic[8], u32 format version, u32 key length, key bytes, u64 binary length,
// binary bytes, u64 fingerprint of the binary. Integers in the host's byte order: the cache
// is per machine.
template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
bool take(std::string_view& in, T& value) {
  if (in.size() < sizeof(T)) return false;
  std::memcpy(&value, in.data(), sizeof(T));
  in.remove_prefix(sizeof(T));
  return true;
}

// The binary inside a cache file's bytes; nullopt with the reason in `why`.
std::optional<Binary> decode(std::string_view in, const std::string& key, std::string& why) {
  std::uint32_t version = 0;
  std::uint32_t key_length = 0;
  if (in.size() < sizeof(kMagic) || std::memcmp(in.data(), kMagic, sizeof(kMagic)) != 0) {
    why = "is not a Strata program cache file";
    return std::nullopt;
  }
  in.remove_prefix(sizeof(kMagic));
  if (!take(in, version) || version != kFormatVersion || !take(in, key_length) || in.size() < key_length ||
      in.substr(0, key_length) != key) {
    why = "was made for another device, driver or SDK version";
    return std::nullopt;
  }
  in.remove_prefix(key_length);
  std::uint64_t length = 0;
  if (!take(in, length) || length == 0 || in.size() < length) {
    why = "is truncated";
    return std::nullopt;
  }
  const std::string_view binary = in.substr(0, length);
  in.remove_prefix(length);
  std::uint64_t check = 0;
  if (!take(in, check) || !in.empty() || check != fingerprint(binary)) {
    why = "is damaged (its checksum does not match)";
    return std::nullopt;
  }
  return Binary(binary.begin(), binary.end());
}

}  // namespace

std::uint64_t fingerprint(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::optional<PrivateDir> open_program_cache() {
  std::string why;
  std::optional<PrivateDir> folder = strata::safe_io::open_cache_folder("opencl", true, why);
  if (!why.empty())
    strata_plugin::log(STRATA_LOG_WARNING, fmt::format("opencl: {}{}", folder ? "" : "no program cache: ", why));
  return folder;
}

std::string cache_file_name(const std::string& key) { return fmt::format("{:016x}.clbin", fingerprint(key)); }

std::optional<Binary> load_cached_binary(const PrivateDir& folder, const std::string& key) {
  const std::string name = cache_file_name(key);
  std::string why;
  std::optional<Binary> binary;
  if (const std::optional<std::string> bytes =
          strata::safe_io::read_private_file(folder, name, max_cached_program_bytes, why))
    binary = decode(*bytes, key, why);
  if (!why.empty())
    strata_plugin::log(STRATA_LOG_WARNING, fmt::format("opencl: ignoring the cached program {}: it {}; rebuilding",
                                                       (folder.path / name).string(), why));
  return binary;
}

void store_cached_binary(const PrivateDir& folder, const std::string& key, const Binary& binary) {
  std::string bytes(kMagic, sizeof(kMagic));
  put(bytes, kFormatVersion);
  put(bytes, static_cast<std::uint32_t>(key.size()));
  bytes += key;
  put(bytes, static_cast<std::uint64_t>(binary.size()));
  const std::string_view payload(reinterpret_cast<const char*>(binary.data()), binary.size());
  bytes += payload;
  put(bytes, fingerprint(payload));
  std::string why;
  if (!strata::safe_io::write_private_file(folder, cache_file_name(key), bytes, why))
    strata_plugin::log(STRATA_LOG_WARNING,
                       fmt::format("opencl: cannot write the program cache in {}: {}", folder.path.string(), why));
}

}  // namespace strata_opencl
