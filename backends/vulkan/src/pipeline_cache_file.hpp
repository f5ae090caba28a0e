// The VkPipelineCache on disk, so that shaders are compiled by the driver once per machine rather
// than once per process. One file per driver build:
//   <dir>/pipelines-<vendor>-<device>-<driver version>-<pipelineCacheUUID>.bin
// where <dir> is $STRATA_CACHE_DIR/vulkan, else $XDG_CACHE_HOME/strata/vulkan, else
// ~/.cache/strata/vulkan. Files are written atomically (temporary file + rename); a file that is
// truncated, corrupt or from another device is ignored.
#pragma once

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace strata_vulkan {

struct PipelineCacheKey {
  std::uint32_t vendor_id = 0;
  std::uint32_t device_id = 0;
  std::uint32_t driver_version = 0;
  std::array<std::uint8_t, VK_UUID_SIZE> cache_uuid{};

  static PipelineCacheKey of(const VkPhysicalDeviceProperties& properties);
};

// The cache file for `key`, or an empty path when no cache folder can be named.
std::filesystem::path pipeline_cache_path(const PipelineCacheKey& key);

// The validated cache data, or empty when the file is missing or unusable (logged).
std::vector<std::uint8_t> read_pipeline_cache(const std::filesystem::path& path, const PipelineCacheKey& key);

// Writes atomically; a failure is logged, never thrown: the cache is an optimisation.
void write_pipeline_cache(const std::filesystem::path& path, std::span<const std::uint8_t> data);

}  // namespace strata_vulkan
