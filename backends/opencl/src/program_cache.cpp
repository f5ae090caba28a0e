#include "program_cache.hpp"

#include <strata_plugin/host.hpp>

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

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

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] != '\0' ? value : nullptr;
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

std::filesystem::path cache_directory() {
  if (const char* dir = env("STRATA_CACHE_DIR")) return std::filesystem::path(dir) / "opencl";
  if (const char* dir = env("XDG_CACHE_HOME")) return std::filesystem::path(dir) / "strata" / "opencl";
  if (const char* home = env("HOME")) return std::filesystem::path(home) / ".cache" / "strata" / "opencl";
  return {};
}

std::filesystem::path cache_file(const std::filesystem::path& directory, const std::string& key) {
  return directory / fmt::format("{:016x}.clbin", fingerprint(key));
}

std::optional<Binary> load_cached_binary(const std::filesystem::path& directory, const std::string& key) {
  std::ifstream file(cache_file(directory, key), std::ios::binary);
  if (!file) return std::nullopt;
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::string_view in(bytes);
  if (in.size() < sizeof(kMagic) || std::memcmp(in.data(), kMagic, sizeof(kMagic)) != 0) return std::nullopt;
  in.remove_prefix(sizeof(kMagic));
  std::uint32_t version = 0;
  std::uint32_t key_length = 0;
  if (!take(in, version) || version != kFormatVersion || !take(in, key_length)) return std::nullopt;
  if (in.size() < key_length || in.substr(0, key_length) != key) return std::nullopt;
  in.remove_prefix(key_length);
  std::uint64_t length = 0;
  if (!take(in, length) || length == 0 || in.size() < length) return std::nullopt;
  const std::string_view binary = in.substr(0, length);
  in.remove_prefix(length);
  std::uint64_t check = 0;
  if (!take(in, check) || !in.empty() || check != fingerprint(binary)) return std::nullopt;
  return Binary(binary.begin(), binary.end());
}

void store_cached_binary(const std::filesystem::path& directory, const std::string& key, const Binary& binary) {
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path target = cache_file(directory, key);
  const std::filesystem::path temporary =
      target.string() + fmt::format(".tmp.{}.{}", static_cast<long>(::getpid()), counter.fetch_add(1));
  std::string bytes(kMagic, sizeof(kMagic));
  put(bytes, kFormatVersion);
  put(bytes, static_cast<std::uint32_t>(key.size()));
  bytes += key;
  put(bytes, static_cast<std::uint64_t>(binary.size()));
  const std::string_view payload(reinterpret_cast<const char*>(binary.data()), binary.size());
  bytes += payload;
  put(bytes, fingerprint(payload));

  std::error_code error;
  std::filesystem::create_directories(directory, error);
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) {
      std::filesystem::remove(temporary, error);
      strata_plugin::log(STRATA_LOG_WARNING,
                         fmt::format("opencl: cannot write the program cache {}", temporary.string()));
      return;
    }
  }
  std::filesystem::rename(temporary, target, error);
  if (error) {
    const std::string why = error.message();
    std::filesystem::remove(temporary, error);
    strata_plugin::log(STRATA_LOG_WARNING,
                       fmt::format("opencl: cannot rename into the program cache {}: {}", target.string(), why));
  }
}

}  // namespace strata_opencl
