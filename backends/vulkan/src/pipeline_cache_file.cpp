#include "pipeline_cache_file.hpp"

#include <strata_plugin/host.hpp>
#include <strata_safe_io/cache_root.hpp>
#include <strata_safe_io/private_file.hpp>

#include <cstring>

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

void ignore(const std::filesystem::path& path, const std::string& why) {
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

std::optional<PipelineCacheFile> open_pipeline_cache_file(const PipelineCacheKey& key) {
  std::string why;
  std::optional<strata::safe_io::PrivateDir> folder = strata::safe_io::open_cache_folder("vulkan", true, why);
  if (!why.empty())
    strata_plugin::log(STRATA_LOG_WARNING, fmt::format("vulkan: {}{}", folder ? "" : "no pipeline cache: ", why));
  if (!folder) return std::nullopt;
  std::string uuid;
  for (std::uint8_t byte : key.cache_uuid) uuid += fmt::format("{:02x}", byte);
  return PipelineCacheFile{std::move(*folder), fmt::format("pipelines-{:04x}-{:04x}-{:08x}-{}.bin", key.vendor_id,
                                                           key.device_id, key.driver_version, uuid)};
}

std::vector<std::uint8_t> read_pipeline_cache(const PipelineCacheFile& file, const PipelineCacheKey& key) {
  std::string why;
  const std::optional<std::string> text =
      strata::safe_io::read_private_file(file.folder, file.name, max_pipeline_cache_bytes, why);
  if (!text) {
    if (!why.empty()) ignore(file.path(), "it " + why);
    return {};  // no cache yet, or one that may not be trusted
  }
  const auto* data = reinterpret_cast<const std::uint8_t*>(text->data());
  const std::span<const std::uint8_t> bytes(data, text->size());
  if (bytes.size() < envelope_size || std::memcmp(bytes.data(), magic, sizeof(magic)) != 0) {
    ignore(file.path(), "not a Strata pipeline cache");
    return {};
  }
  const std::uint64_t size = read_u64(bytes.data() + sizeof(magic));
  const std::uint64_t hash = read_u64(bytes.data() + sizeof(magic) + 8);
  const std::span<const std::uint8_t> blob = bytes.subspan(envelope_size);
  if (size != blob.size() || fnv1a(blob) != hash) {
    ignore(file.path(), "truncated or corrupt");
    return {};
  }
  // VkPipelineCacheHeaderVersionOne: header size, version, vendor id, device id, cache UUID.
  constexpr std::size_t vk_header = 16 + VK_UUID_SIZE;
  if (blob.size() < vk_header || read_u32(blob.data()) < vk_header ||
      read_u32(blob.data() + 4) != VK_PIPELINE_CACHE_HEADER_VERSION_ONE || read_u32(blob.data() + 8) != key.vendor_id ||
      read_u32(blob.data() + 12) != key.device_id ||
      std::memcmp(blob.data() + 16, key.cache_uuid.data(), VK_UUID_SIZE) != 0) {
    ignore(file.path(), "made by another device or driver");
    return {};
  }
  return {blob.begin(), blob.end()};
}

void write_pipeline_cache(const PipelineCacheFile& file, std::span<const std::uint8_t> data) {
  std::string bytes(envelope_size, '\0');
  std::memcpy(bytes.data(), magic, sizeof(magic));
  const std::uint64_t size = data.size();
  const std::uint64_t hash = fnv1a(data);
  std::memcpy(bytes.data() + sizeof(magic), &size, sizeof(size));
  std::memcpy(bytes.data() + sizeof(magic) + 8, &hash, sizeof(hash));
  bytes.append(reinterpret_cast<const char*>(data.data()), data.size());
  std::string why;
  if (!strata::safe_io::write_private_file(file.folder, file.name, bytes, why)) {
    strata_plugin::log(STRATA_LOG_WARNING,
                       fmt::format("vulkan: could not write the pipeline cache {}: {}", file.path().string(), why));
    return;
  }
  strata_plugin::log(STRATA_LOG_DEBUG,
                     fmt::format("vulkan: wrote {} bytes of pipeline cache to {}", data.size(), file.path().string()));
}

}  // namespace strata_vulkan
