#include "pipeline_cache_file.hpp"

#include <strata_plugin/host.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace strata_vulkan {
namespace {

// Our envelope around the driver's blob: magic, blob size, FNV-1a hash of the blob. The driver
// checks its own header too, but some drivers crash on a damaged blob, so we check first.
constexpr char magic[8] = {'S', 'T', 'R', 'V', 'K', 'P', 'C', '1'};
constexpr std::size_t envelope_size = sizeof(magic) + 2 * sizeof(std::uint64_t);

std::uint64_t fnv1a(std::span<const std::uint8_t> data) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (std::uint8_t byte : data) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::uint32_t read_u32(const std::uint8_t* bytes) {
  std::uint32_t value;
  std::memcpy(&value, bytes, sizeof(value));
  return value;
}

std::uint64_t read_u64(const std::uint8_t* bytes) {
  std::uint64_t value;
  std::memcpy(&value, bytes, sizeof(value));
  return value;
}

const char* environment(const char* name) {
  // Ignored in set-uid processes, like the SDK's own plugin path.
  const char* value = secure_getenv(name);
  return value != nullptr && value[0] != '\0' ? value : nullptr;
}

void ignore(const std::filesystem::path& path, const char* why) {
  strata_plugin::log(STRATA_LOG_WARNING, "vulkan: ignoring pipeline cache " + path.string() + ": " + why);
}

}  // namespace

PipelineCacheKey PipelineCacheKey::of(const VkPhysicalDeviceProperties& properties) {
  PipelineCacheKey key;
  key.vendor_id = properties.vendorID;
  key.device_id = properties.deviceID;
  key.driver_version = properties.driverVersion;
  std::memcpy(key.cache_uuid.data(), properties.pipelineCacheUUID, VK_UUID_SIZE);
  return key;
}

std::filesystem::path pipeline_cache_path(const PipelineCacheKey& key) {
  std::filesystem::path dir;
  if (const char* strata = environment("STRATA_CACHE_DIR")) {
    dir = std::filesystem::path(strata) / "vulkan";
  } else if (const char* xdg = environment("XDG_CACHE_HOME")) {
    dir = std::filesystem::path(xdg) / "strata" / "vulkan";
  } else if (const char* home = environment("HOME")) {
    dir = std::filesystem::path(home) / ".cache" / "strata" / "vulkan";
  } else {
    return {};
  }
  std::string uuid;
  for (std::uint8_t byte : key.cache_uuid) uuid += fmt::format("{:02x}", byte);
  return dir /
         fmt::format("pipelines-{:04x}-{:04x}-{:08x}-{}.bin", key.vendor_id, key.device_id, key.driver_version, uuid);
}

std::vector<std::uint8_t> read_pipeline_cache(const std::filesystem::path& path, const PipelineCacheKey& key) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return {};  // no cache yet
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes.size() < envelope_size || std::memcmp(bytes.data(), magic, sizeof(magic)) != 0) {
    ignore(path, "not a Strata pipeline cache");
    return {};
  }
  const std::uint64_t size = read_u64(bytes.data() + sizeof(magic));
  const std::uint64_t hash = read_u64(bytes.data() + sizeof(magic) + 8);
  std::span<const std::uint8_t> blob(bytes.data() + envelope_size, bytes.size() - envelope_size);
  if (size != blob.size() || fnv1a(blob) != hash) {
    ignore(path, "truncated or corrupt");
    return {};
  }
  // VkPipelineCacheHeaderVersionOne: header size, version, vendor id, device id, cache UUID.
  constexpr std::size_t vk_header = 16 + VK_UUID_SIZE;
  if (blob.size() < vk_header || read_u32(blob.data()) < vk_header ||
      read_u32(blob.data() + 4) != VK_PIPELINE_CACHE_HEADER_VERSION_ONE || read_u32(blob.data() + 8) != key.vendor_id ||
      read_u32(blob.data() + 12) != key.device_id ||
      std::memcmp(blob.data() + 16, key.cache_uuid.data(), VK_UUID_SIZE) != 0) {
    ignore(path, "made by another device or driver");
    return {};
  }
  return {blob.begin(), blob.end()};
}

void write_pipeline_cache(const std::filesystem::path& path, std::span<const std::uint8_t> data) {
  if (path.empty()) return;
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  static std::atomic<unsigned> counter{0};
  const std::filesystem::path temporary =
      path.string() + fmt::format(".tmp.{}.{}", static_cast<long>(getpid()), counter.fetch_add(1));
  std::vector<std::uint8_t> bytes(envelope_size);
  std::memcpy(bytes.data(), magic, sizeof(magic));
  const std::uint64_t size = data.size();
  const std::uint64_t hash = fnv1a(data);
  std::memcpy(bytes.data() + sizeof(magic), &size, sizeof(size));
  std::memcpy(bytes.data() + sizeof(magic) + 8, &hash, sizeof(hash));
  bytes.insert(bytes.end(), data.begin(), data.end());

  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0;
  std::size_t written = 0;
  while (ok && written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  // fsync before rename: after a crash the file is either the old one or the whole new one.
  if (ok) ok = ::fsync(fd) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (ok) ok = ::rename(temporary.c_str(), path.c_str()) == 0;
  if (!ok) {
    std::filesystem::remove(temporary, error);
    strata_plugin::log(STRATA_LOG_WARNING, "vulkan: could not write the pipeline cache " + path.string());
    return;
  }
  strata_plugin::log(STRATA_LOG_DEBUG,
                     fmt::format("vulkan: wrote {} bytes of pipeline cache to {}", data.size(), path.string()));
}

}  // namespace strata_vulkan
