// The pipeline cache on disk (STRATA_CACHE_DIR), and probe without a driver: driven through the
// plugin's C ABI so the plugin's own log lines can be checked.
#include "plugin_host.hpp"
#include "vulkan_test_support.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using vulkan_test::PluginHost;
using vulkan_test::ScopedEnv;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::path(testing::TempDir()) / (name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<fs::path> cache_files(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::exists(dir / "vulkan")) return files;
  for (const auto& entry : fs::directory_iterator(dir / "vulkan")) files.push_back(entry.path());
  return files;
}

std::string read_file(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

// Starts the backend, runs a softmax of 8 values on device 0 (which builds a pipeline), checks
// its result, destroys everything. False when there is no device.
bool run_softmax_through_the_abi(PluginHost& host) {
  const strata_backend_api& api = host.api();
  strata_backend* backend = nullptr;
  PluginHost::check(api.backend_create(&backend), "backend_create");
  std::uint32_t count = 0;
  PluginHost::check(api.device_count(backend, &count), "device_count");
  if (count == 0) {
    api.backend_destroy(backend);
    return false;
  }
  strata_device* device = nullptr;
  PluginHost::check(api.device_get(backend, 0, &device), "device_get");
  strata_queue* queue = nullptr;
  PluginHost::check(api.queue_create(device, &queue), "queue_create");
  strata_buffer* buffer = nullptr;
  PluginHost::check(api.buffer_allocate(device, 32, &buffer), "buffer_allocate");
  const float input[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  PluginHost::check(api.queue_write(queue, buffer, 0, input, sizeof(input)), "queue_write");
  strata_op op{};
  op.kind = STRATA_OP_SOFTMAX;
  op.n_inputs = 1;
  op.inputs[0] = strata_tensor{buffer, 0, STRATA_DTYPE_F32, 1, {8, 0, 0, 0}};
  op.output = op.inputs[0];
  op.params.softmax.scale = 1.0f;
  PluginHost::check(api.queue_submit(queue, &op, 1), "queue_submit");
  float output[8] = {};
  PluginHost::check(api.queue_read(queue, buffer, 0, output, sizeof(output)), "queue_read");
  double sum = 0;
  for (int i = 0; i < 8; ++i) sum += std::exp(i);
  for (int i = 0; i < 8; ++i) EXPECT_NEAR(output[i], std::exp(i) / sum, 1e-6);
  api.buffer_free(buffer);
  api.queue_destroy(queue);
  api.backend_destroy(backend);
  return true;
}

#define SKIP_OR_FAIL_WITHOUT_DEVICE()                                                \
  do {                                                                               \
    if (vulkan_test::vulkan_absence_is_failure()) FAIL() << "no Vulkan device here"; \
    GTEST_SKIP() << "no Vulkan device here";                                         \
  } while (false)

TEST(VulkanCache, PipelineCacheFileIsWrittenThenLoaded) {
  const fs::path dir = fresh_dir("strata-vulkan-cache");
  ScopedEnv cache_dir("STRATA_CACHE_DIR", dir.string());
  PluginHost host;
  if (!run_softmax_through_the_abi(host)) SKIP_OR_FAIL_WITHOUT_DEVICE();

  const std::vector<fs::path> files = cache_files(dir);
  ASSERT_EQ(files.size(), 1u) << "one cache file, no temporary left behind";
  EXPECT_EQ(files[0].filename().string().rfind("pipelines-", 0), 0u) << files[0];
  const std::string first = read_file(files[0]);
  ASSERT_GE(first.size(), 24u + 32u);
  EXPECT_EQ(first.substr(0, 8), "STRVKPC1");
  EXPECT_FALSE(PluginHost::logged("loaded")) << "nothing to load the first time";

  PluginHost::clear_logs();
  ASSERT_TRUE(run_softmax_through_the_abi(host));
  EXPECT_TRUE(PluginHost::logged("loaded " + std::to_string(first.size() - 24) + " bytes of pipeline cache from " +
                                 files[0].string()));
  EXPECT_EQ(cache_files(dir).size(), 1u);
  fs::remove_all(dir);
}

TEST(VulkanCache, CorruptCacheFileIsIgnoredAndReplaced) {
  const fs::path dir = fresh_dir("strata-vulkan-corrupt");
  ScopedEnv cache_dir("STRATA_CACHE_DIR", dir.string());
  PluginHost host;
  if (!run_softmax_through_the_abi(host)) SKIP_OR_FAIL_WITHOUT_DEVICE();
  const std::vector<fs::path> files = cache_files(dir);
  ASSERT_EQ(files.size(), 1u);
  const std::string good = read_file(files[0]);

  // Same envelope, one flipped byte in the driver's data: the hash no longer matches.
  std::string damaged = good;
  damaged[damaged.size() - 1] = static_cast<char>(damaged[damaged.size() - 1] ^ 0x5a);
  std::ofstream(files[0], std::ios::binary | std::ios::trunc) << damaged;
  PluginHost::clear_logs();
  ASSERT_TRUE(run_softmax_through_the_abi(host));
  EXPECT_TRUE(PluginHost::logged("ignoring pipeline cache")) << "the damage is noticed";
  PluginHost::clear_logs();
  ASSERT_TRUE(run_softmax_through_the_abi(host));
  EXPECT_FALSE(PluginHost::logged("ignoring pipeline cache")) << "the file was written again whole";
  EXPECT_TRUE(PluginHost::logged("loaded"));

  // Not a cache at all, and an empty file.
  for (const std::string& junk : {std::string("definitely not a pipeline cache"), std::string()}) {
    std::ofstream(files[0], std::ios::binary | std::ios::trunc) << junk;
    PluginHost::clear_logs();
    ASSERT_TRUE(run_softmax_through_the_abi(host));
    EXPECT_TRUE(PluginHost::logged("ignoring pipeline cache"));
    EXPECT_EQ(read_file(files[0]).substr(0, 8), "STRVKPC1");
  }
  fs::remove_all(dir);
}

TEST(VulkanCache, NothingIsUsedFromAFolderOthersMayWrite) {
  const fs::path dir = fresh_dir("strata-vulkan-shared");
  ScopedEnv cache_dir("STRATA_CACHE_DIR", dir.string());
  PluginHost host;
  if (!run_softmax_through_the_abi(host)) SKIP_OR_FAIL_WITHOUT_DEVICE();
  ASSERT_EQ(cache_files(dir).size(), 1u);
  fs::permissions(dir / "vulkan", fs::perms::all);  // 0777: anyone could plant a blob
  PluginHost::clear_logs();
  ASSERT_TRUE(run_softmax_through_the_abi(host));
  EXPECT_TRUE(PluginHost::logged("no pipeline cache: ")) << "the refusal is logged";
  EXPECT_TRUE(PluginHost::logged("writable by other users"));
  EXPECT_FALSE(PluginHost::logged("loaded"));
  fs::remove_all(dir);
}

TEST(VulkanProbe, CountsDevicesAndReportsZeroWithoutADriver) {
  PluginHost host;
  std::uint32_t count = 0;
  PluginHost::check(host.api().probe(&count), "probe");
  if (count == 0) SKIP_OR_FAIL_WITHOUT_DEVICE();

  // A loader with no driver to load: probe must say 0, not fail or crash.
  ScopedEnv icd("VK_ICD_FILENAMES", "/nonexistent/strata-no-driver.json");
  ScopedEnv driver_files("VK_DRIVER_FILES", "/nonexistent/strata-no-driver.json");
  std::uint32_t without_driver = 99;
  PluginHost::check(host.api().probe(&without_driver), "probe without a driver");
  EXPECT_EQ(without_driver, 0u);
}

}  // namespace
