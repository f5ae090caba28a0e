// The sim backend through the SDK: devices as the file describes them, a memory limit that
// holds (exact free memory, OUT_OF_MEMORY past it), and ops computed on the CPU.
#include "sim_runtime.hpp"

#include <strata/error.hpp>
#include <strata/ops.hpp>
#include <strata/queue.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace strata {
namespace {

constexpr std::uint64_t MiB = 1ull << 20;

const char* two_devices = R"({"devices": [
    {"name": "fast", "memory_gib": 0.0625, "tflops": 80, "memory_gbps": 900, "link_gbps": 25},
    {"name": "slow", "kind": "igpu", "memory_gib": 0.03125, "tflops": 5, "memory_gbps": 100, "link_gbps": 50}]})";

TEST(SimBackend, OffersTheDevicesOfTheFile) {
  const Runtime runtime = test::sim_runtime(two_devices);
  ASSERT_EQ(runtime.devices().size(), 2u);
  const DeviceInfo& fast = runtime.device("sim:0").info();
  EXPECT_EQ(fast.backend, "sim");
  EXPECT_EQ(fast.description, "fast");
  EXPECT_EQ(fast.kind, DeviceKind::gpu);
  EXPECT_EQ(fast.memory_total, 64 * MiB);
  EXPECT_EQ(fast.memory_free, 64 * MiB);
  EXPECT_DOUBLE_EQ(fast.peak_flops, 80e12);
  EXPECT_DOUBLE_EQ(fast.memory_bandwidth, 900e9);
  EXPECT_DOUBLE_EQ(fast.host_link_bandwidth, 25e9);
  EXPECT_FALSE(fast.caps.host_visible);  // a discrete device: the SDK copies through queues
  const DeviceInfo& slow = runtime.device("sim:1").info();
  EXPECT_EQ(slow.kind, DeviceKind::igpu);
  EXPECT_TRUE(slow.caps.host_visible);
}

TEST(SimBackend, ReportsExactSpeedsAndWhatEachDeviceShares) {
  const Runtime runtime = test::sim_runtime(R"({"devices": [
      {"name": "gpu", "memory_gib": 0.0625, "tflops": 80, "memory_gbps": 900, "link_gbps": 25, "count": 2},
      {"name": "apu", "kind": "igpu", "memory_gib": 0.0625, "shares": "host_memory"},
      {"name": "host", "kind": "cpu", "memory_gib": 0.0625}]})");
  ASSERT_EQ(runtime.devices().size(), 4u);
  for (const char* name : {"sim:0", "sim:1"}) {
    const DeviceInfo& gpu = runtime.device(name).info();
    EXPECT_TRUE(gpu.caps.exact_speeds) << name;  // the figures describe the device simulated
    EXPECT_EQ(gpu.sharing, DeviceSharing::none) << name;
    EXPECT_FALSE(gpu.sharing_inferred) << name;
    EXPECT_EQ(gpu.driver, "sim") << name;
  }
  const DeviceInfo& apu = runtime.device("sim:2").info();
  EXPECT_FALSE(apu.caps.exact_speeds);  // no figures: measured like any device
  EXPECT_EQ(apu.sharing, DeviceSharing::host_memory);
  const DeviceInfo& host = runtime.device("sim:3").info();
  EXPECT_EQ(host.sharing, DeviceSharing::host_cores);
  EXPECT_FALSE(host.sharing_inferred);
}

TEST(SimBackend, WithoutTheVariableItOffersNothingAndSaysWhy) {
  const Runtime runtime = test::sim_runtime("");
  EXPECT_TRUE(runtime.devices().empty());
  ASSERT_EQ(runtime.plugins().size(), 1u);
  EXPECT_FALSE(runtime.plugins()[0].loaded);
  EXPECT_NE(runtime.plugins()[0].reason.find("STRATA_SIM_DEVICES"), std::string::npos) << runtime.plugins()[0].reason;
}

TEST(SimBackend, AMalformedFileIsReportedWithTheField) {
  const Runtime runtime = test::sim_runtime(R"({"devices": [{"name": "a", "memory_gib": 1, "tflop": 3}]})");
  EXPECT_TRUE(runtime.devices().empty());
  ASSERT_EQ(runtime.plugins().size(), 1u);
  EXPECT_NE(runtime.plugins()[0].reason.find("unknown field \"tflop\""), std::string::npos)
      << runtime.plugins()[0].reason;
}

TEST(SimBackend, EnforcesItsMemoryLimitAndReportsFreeMemoryExactly) {
  const Runtime runtime = test::sim_runtime(two_devices);
  const Device device = runtime.device("sim:1");  // 32 MiB
  Buffer a = device.allocate(20 * MiB);
  EXPECT_EQ(device.memory().free, 12 * MiB);
  try {
    device.allocate(13 * MiB);
    ADD_FAILURE() << "allocated past the limit";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::out_of_memory);
    EXPECT_NE(std::string(error.what()).find("12582912 of its 33554432 bytes are free"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(device.memory().free, 12 * MiB);  // the failed call took nothing
  Buffer b = device.allocate(12 * MiB);
  EXPECT_EQ(device.memory().free, 0u);
  b = Buffer();
  a = Buffer();
  EXPECT_EQ(device.memory().free, 32 * MiB);
  // Another device's limit is its own.
  EXPECT_EQ(runtime.device("sim:0").memory().free, 64 * MiB);
}

TEST(SimBackend, ComputesOpsOnTheCpu) {
  const Runtime runtime = test::sim_runtime(two_devices);
  const Device device = runtime.device("sim:0");
  Queue queue = device.create_queue();
  // out[2,3] = x[2,4] * w[3,4]^T + bias[3], then silu.
  const std::vector<float> x{1, 2, 3, 4, -1, 0.5f, 0, 2};
  const std::vector<float> w{1, 0, 0, 1, 0.5f, 0.5f, 0.5f, 0.5f, -1, 1, -1, 1};
  const std::vector<float> bias{0.25f, -1, 2};
  Tensor tx(device, DType::f32, {2, 4});
  Tensor tw(device, DType::f32, {3, 4});
  Tensor tb(device, DType::f32, {3});
  Tensor out(device, DType::f32, {2, 3});
  queue.write<float>(tx, x);
  queue.write<float>(tw, w);
  queue.write<float>(tb, bias);
  const Op ops[] = {ops::matmul(tx, tw, tb.view(), out), ops::silu(out, out)};
  queue.submit(ops);
  std::vector<float> result(6);
  queue.read<float>(out, result);
  for (int r = 0; r < 2; ++r)
    for (int c = 0; c < 3; ++c) {
      float sum = bias[c];
      for (int k = 0; k < 4; ++k) sum += x[r * 4 + k] * w[c * 4 + k];
      const float expected = sum / (1.0f + std::exp(-sum));
      EXPECT_NEAR(result[r * 3 + c], expected, 1e-5f) << r << "," << c;
    }
}

}  // namespace
}  // namespace strata
