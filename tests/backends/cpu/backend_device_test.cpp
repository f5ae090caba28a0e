// The cpu device as the C++ API shows it: what it reports, its buffers (alignment, import
// without copying, out-of-memory refusals), queues, events and supports_op.
#include <strata/strata.hpp>

#include "api_helpers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string>
#include <thread>

namespace strata_test {
namespace {

class CpuDeviceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runtime_ = std::make_unique<strata::Runtime>(); }
  static void TearDownTestSuite() { runtime_.reset(); }
  static strata::Device cpu() { return runtime_->device("cpu"); }
  static std::unique_ptr<strata::Runtime> runtime_;
};
std::unique_ptr<strata::Runtime> CpuDeviceTest::runtime_;

// The value of the first "key: value" line of a /proc file, read independently of the plugin.
std::string proc_field(const char* path, const std::string& key) {
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::string value = line.substr(line.find(':') + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return {};
}

std::uint64_t meminfo_bytes(const std::string& key) { return std::stoull(proc_field("/proc/meminfo", key)) * 1024; }

TEST_F(CpuDeviceTest, DescribesTheHostCpu) {
  const strata::DeviceInfo& info = cpu().info();
  EXPECT_EQ(info.name, "cpu");
  EXPECT_EQ(info.backend, "cpu");
  EXPECT_EQ(info.kind, strata::DeviceKind::cpu);
  EXPECT_EQ(info.stable_id, "cpu");
  const std::string model = proc_field("/proc/cpuinfo", "model name");
  if (!model.empty()) {
    EXPECT_EQ(info.description, model);
  }
  EXPECT_EQ(info.pci_bus_id, "");
  EXPECT_FALSE(info.uuid.has_value());
  ASSERT_TRUE(info.memory_total.has_value());
  EXPECT_EQ(*info.memory_total, meminfo_bytes("MemTotal"));
  ASSERT_TRUE(info.memory_free.has_value());
  EXPECT_LE(*info.memory_free, *info.memory_total);
  for (strata::DType dtype : {strata::DType::f32, strata::DType::f16, strata::DType::bf16, strata::DType::i32})
    EXPECT_TRUE(info.stores(dtype)) << strata::to_string(dtype);
  EXPECT_TRUE(info.caps.host_visible);
  EXPECT_TRUE(info.caps.unified_memory);
  EXPECT_TRUE(info.caps.import_host);
  EXPECT_TRUE(info.caps.events);
  EXPECT_FALSE(info.caps.async);
  // The plugin measures nothing at start: the SDK measures the device through its interface.
  EXPECT_EQ(info.peak_flops, 0.0);
  EXPECT_EQ(info.memory_bandwidth, 0.0);
  EXPECT_EQ(info.host_link_bandwidth, 0.0);
  EXPECT_FALSE(info.caps.exact_speeds);
}

TEST_F(CpuDeviceTest, SaysItRunsOnTheHostCoresAndWhichCode) {
  const strata::DeviceInfo& info = cpu().info();
  EXPECT_EQ(info.sharing, strata::DeviceSharing::host_cores);
  EXPECT_FALSE(info.sharing_inferred);
  const auto& plugins = runtime_->plugins();
  const auto cpu_plugin = std::find_if(plugins.begin(), plugins.end(), [](const auto& p) { return p.name == "cpu"; });
  ASSERT_NE(cpu_plugin, plugins.end());
  EXPECT_FALSE(info.plugin_version.empty());
  EXPECT_EQ(info.plugin_version, cpu_plugin->version);
  // "avx2 kernels, OpenBLAS 0.3.21 Haswell, oneTBB 2021.8.0": the code whose speed is measured.
  EXPECT_TRUE(info.driver.starts_with("avx2 kernels, ") || info.driver.starts_with("generic kernels, ")) << info.driver;
  EXPECT_NE(info.driver.find("OpenBLAS "), std::string::npos) << info.driver;
  EXPECT_NE(info.driver.find("oneTBB "), std::string::npos) << info.driver;
  EXPECT_LT(info.driver.size(), 64u);
}

TEST_F(CpuDeviceTest, PluginLoadedWithTheCurrentAbi) {
  const auto& plugins = runtime_->plugins();
  const auto it = std::find_if(plugins.begin(), plugins.end(), [](const auto& p) { return p.name == "cpu"; });
  ASSERT_NE(it, plugins.end());
  EXPECT_TRUE(it->loaded) << it->reason;
  EXPECT_EQ(it->abi_version, STRATA_BACKEND_ABI_VERSION);
  EXPECT_EQ(it->device_count, 1u);
}

TEST_F(CpuDeviceTest, MemoryMatchesProcMeminfo) {
  const strata::MemoryInfo memory = cpu().memory();
  ASSERT_TRUE(memory.total && memory.free);
  EXPECT_EQ(*memory.total, meminfo_bytes("MemTotal"));
  EXPECT_LE(*memory.free, *memory.total);
  EXPECT_GT(*memory.free, 0u);
}

TEST_F(CpuDeviceTest, BuffersAreHostVisibleAndAligned) {
  for (std::uint64_t size : {1ull, 3ull, 64ull, 1000ull, (2ull << 20) + 5}) {
    strata::Buffer buffer = cpu().allocate(size);
    EXPECT_EQ(buffer.size(), size);
    ASSERT_NE(buffer.host_pointer(), nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(buffer.host_pointer()) % 64, 0u) << size;
    EXPECT_TRUE(buffer.device() == cpu());
  }
}

TEST_F(CpuDeviceTest, ZeroSizeBufferIsInvalid) {
  try {
    cpu().allocate(0);
    FAIL() << "a 0-byte buffer was allocated";
  } catch (const strata::Error& e) {
    EXPECT_EQ(e.code(), strata::StatusCode::invalid_argument);
  }
}

TEST_F(CpuDeviceTest, HugeAllocationIsOutOfMemory) {
  const std::uint64_t total = *cpu().info().memory_total;
  for (std::uint64_t size : {total + 1, total * 4, std::numeric_limits<std::uint64_t>::max()}) {
    try {
      cpu().allocate(size);
      FAIL() << size << " bytes were allocated on a machine with " << total;
    } catch (const strata::Error& e) {
      EXPECT_EQ(e.code(), strata::StatusCode::out_of_memory) << e.what();
    }
  }
}

TEST_F(CpuDeviceTest, ImportHostWrapsMemoryWithoutCopying) {
  std::vector<float> memory = {-1, 0, 1, 2, 3, 4, 5, 6};
  strata::Buffer buffer = cpu().import_host(memory.data(), memory.size() * sizeof(float));
  EXPECT_EQ(buffer.host_pointer(), memory.data());
  EXPECT_EQ(buffer.size(), memory.size() * sizeof(float));

  // An op on the imported buffer works on the caller's memory itself.
  strata::Queue queue = cpu().create_queue();
  const strata::TensorView all{&buffer, 0, strata::DType::f32, strata::Shape{8}};
  queue.submit(strata::ops::add(all, all, all));
  queue.finish();
  EXPECT_EQ(memory, (std::vector<float>{-2, 0, 2, 4, 6, 8, 10, 12}));

  // And a change made by the caller is what the device reads.
  memory[0] = 100;
  std::vector<float> back(1);
  queue.read(all, std::span<float>(back));
  EXPECT_EQ(back[0], 100.0f);
}

TEST_F(CpuDeviceTest, QueueCopiesBetweenAndWithinBuffers) {
  strata::Queue queue = cpu().create_queue();
  strata::Buffer a = cpu().allocate(16);
  strata::Buffer b = cpu().allocate(16);
  const std::vector<std::uint8_t> pattern = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  queue.write(a, 0, bytes_of(pattern));
  queue.copy(a, 4, b, 0, 8);
  queue.copy(a, 0, a, 2, 10);  // overlapping ranges behave like memmove
  std::vector<std::uint8_t> got_a(16), got_b(8);
  queue.read(a, 0, std::as_writable_bytes(std::span(got_a)));
  queue.read(b, 0, std::as_writable_bytes(std::span(got_b)));
  EXPECT_EQ(got_b, (std::vector<std::uint8_t>{5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(got_a, (std::vector<std::uint8_t>{1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16}));
}

TEST_F(CpuDeviceTest, EventsOrderWorkBetweenQueues) {
  strata::Queue first = cpu().create_queue();
  strata::Queue second = cpu().create_queue();
  strata::Tensor x(cpu(), strata::DType::f32, strata::Shape{4});
  strata::Tensor y(cpu(), strata::DType::f32, strata::Shape{4});
  const std::vector<float> values = {-1, 0, 1, 2};
  first.write(x.view(), std::span<const float>(values));
  first.submit(strata::ops::add(x, x, x));
  const strata::Event done = first.record();
  ASSERT_TRUE(done);
  second.wait(done);
  second.submit(strata::ops::copy(x, y));
  done.synchronize();
  second.finish();
  std::vector<float> got(4);
  second.read(y.view(), std::span<float>(got));
  EXPECT_EQ(got, (std::vector<float>{-2, 0, 2, 4}));
}

TEST_F(CpuDeviceTest, QueuesOnSeveralThreadsAtOnce) {
  // Each thread multiplies its own matrix by the same weights; large enough to take the
  // tiled sgemm path, so the threads share TBB and OpenBLAS concurrently.
  constexpr std::int64_t m = 40, k = 33, n = 20;
  std::vector<float> w(n * k);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 7) - 3;
  strata::Tensor weight(cpu(), strata::DType::f32, strata::Shape{n, k});
  {
    strata::Queue queue = cpu().create_queue();
    queue.write(weight.view(), std::span<const float>(w));
  }
  std::vector<std::vector<float>> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      strata::Queue queue = cpu().create_queue();
      strata::Tensor x(cpu(), strata::DType::f32, strata::Shape{m, k});
      strata::Tensor out(cpu(), strata::DType::f32, strata::Shape{m, n});
      std::vector<float> xv(m * k, static_cast<float>(t + 1));
      queue.write(x.view(), std::span<const float>(xv));
      for (int repeat = 0; repeat < 5; ++repeat) queue.submit(strata::ops::matmul(x, weight, std::nullopt, out));
      results[t].resize(m * n);
      queue.read(out.view(), std::span<float>(results[t]));
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) {
    for (std::int64_t j = 0; j < n; ++j) {
      double row_sum = 0;
      for (std::int64_t p = 0; p < k; ++p) row_sum += w[j * k + p];
      EXPECT_EQ(results[t][j], static_cast<float>((t + 1) * row_sum)) << "thread " << t << " column " << j;
      EXPECT_EQ(results[t][(m - 1) * n + j], results[t][j]);
    }
  }
}

TEST_F(CpuDeviceTest, SupportsEveryValidOpAndNoInvalidOne) {
  const strata::Device device = cpu();
  strata::Tensor f32(device, strata::DType::f32, strata::Shape{3, 4});
  strata::Tensor f16(device, strata::DType::f16, strata::Shape{3, 4});
  strata::Tensor bf16_row(device, strata::DType::bf16, strata::Shape{4});
  strata::Tensor weight(device, strata::DType::bf16, strata::Shape{5, 4});
  strata::Tensor out35(device, strata::DType::f32, strata::Shape{3, 5});
  strata::Tensor q(device, strata::DType::f32, strata::Shape{2, 4, 8});
  strata::Tensor kv16(device, strata::DType::f16, strata::Shape{6, 2, 8});
  strata::Tensor kvbf16(device, strata::DType::bf16, strata::Shape{6, 2, 8});
  strata::Tensor ids(device, strata::DType::i32, strata::Shape{3});
  strata::Tensor positions(device, strata::DType::i32, strata::Shape{2});
  strata::Tensor out34(device, strata::DType::f32, strata::Shape{3, 4});

  EXPECT_TRUE(device.supports(strata::ops::copy(f32, f16)));
  EXPECT_TRUE(device.supports(strata::ops::add(f32, bf16_row, f32)));
  EXPECT_TRUE(device.supports(strata::ops::gelu(f32, f32, true)));
  EXPECT_TRUE(device.supports(strata::ops::rms_norm(f32, bf16_row, f32, 1e-6f)));
  EXPECT_TRUE(device.supports(strata::ops::matmul(f32, weight, std::nullopt, out35)));
  EXPECT_TRUE(device.supports(strata::ops::attention(q, kv16, kv16, q, 4, 0.35f)));
  EXPECT_TRUE(device.supports(strata::ops::rope(q, positions, q, 10000.0f, 4)));
  EXPECT_TRUE(device.supports(strata::ops::embedding(weight, ids, out34)));

  EXPECT_FALSE(device.supports(strata::ops::copy(f32, ids)));                             // f32 -> i32
  EXPECT_FALSE(device.supports(strata::ops::add(f16, f32, f32)));                         // f16 activation
  EXPECT_FALSE(device.supports(strata::ops::matmul(f32, weight, std::nullopt, out34)));   // wrong output
  EXPECT_FALSE(device.supports(strata::ops::attention(q, kvbf16, kvbf16, q, 4, 0.35f)));  // bf16 cache
  EXPECT_FALSE(device.supports(strata::ops::attention(q, kv16, kv16, q, 5, 0.35f)));      // 5 + 2 > 6
  EXPECT_FALSE(device.supports(strata::ops::rope(q, positions, q, 10000.0f, 3)));         // odd rotary_dim
  strata::Op unknown = strata::ops::silu(f32, f32);
  unknown.raw.kind = 99;
  EXPECT_FALSE(device.supports(unknown));
}

}  // namespace
}  // namespace strata_test
