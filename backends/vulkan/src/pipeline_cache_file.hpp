// The VkPipelineCache on disk, so that shaders are compiled by the driver once per machine rather
// than once per process. One file per driver build:
//   <dir>/pipelines-<vendor>-<device>-<driver version>-<pipelineCacheUUID>.bin
// where <dir> is "vulkan" below Strata's cache root, used only when private to the user
// (strata_safe_io): the driver parses the blob, so no one else may plant one. Files are written
// atomically (a new private temporary file, renamed); a file that is untrusted, truncated,
// corrupt or from another device is ignored.
#pragma once

#include <strata_safe_io/private_dir.hpp>

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace strata_vulkan {

struct PipelineCacheKey {
  std::uint32_t vendor_id = 0;
  std::uint32_t device_id = 0;
  std::uint32_t driver_version = 0;
  std::array<std::uint8_t, VK_UUID_SIZE> cache_uuid{};

  static PipelineCacheKey of(const VkPhysicalDeviceProperties& properties);
};

// The largest cache file read back; real ones are a few MiB at most.
inline constexpr std::uint64_t max_pipeline_cache_bytes = 256ull << 20;

struct PipelineCacheFile {
  strata::safe_io::PrivateDir folder;
  std::string name;

  std::filesystem::path path() const { return folder.path / name; }
};

// The cache file for `key` in its folder (created 0700 when missing); nullopt (with a warning
// when something is wrong rather than merely unset) when there is no folder that may be used.
std::optional<PipelineCacheFile> open_pipeline_cache_file(const PipelineCacheKey& key);

// The validated cache data, or empty when the file is missing or unusable (logged).
std::vector<std::uint8_t> read_pipeline_cache(const PipelineCacheFile& file, const PipelineCacheKey& key);

// Writes atomically; a failure is logged, never thrown: the cache is an optimisation.
void write_pipeline_cache(const PipelineCacheFile& file, std::span<const std::uint8_t> data);

}  // namespace strata_vulkan
