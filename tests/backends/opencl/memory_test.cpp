// Device identity and memory: the kind OpenCL itself reports, allocation limits as
// OUT_OF_MEMORY, and the free-memory estimate (total minus this plugin's allocations).
#include "opencl_fixture.hpp"

#include <CL/cl.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace opencl_test {
namespace {

struct ClFacts {
  cl_device_type type = 0;
  cl_bool unified = CL_FALSE;
  cl_ulong max_allocation = 0;
  std::string platform_name;
  std::string driver_version;
};

// The OpenCL device with this name, asked directly (not through the plugin).
std::optional<ClFacts> facts_for(const std::string& name) {
  cl_uint platform_count = 0;
  if (clGetPlatformIDs(0, nullptr, &platform_count) != CL_SUCCESS) return std::nullopt;
  std::vector<cl_platform_id> platforms(platform_count);
  clGetPlatformIDs(platform_count, platforms.data(), nullptr);
  for (cl_platform_id platform : platforms) {
    cl_uint count = 0;
    if (clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, nullptr, &count) != CL_SUCCESS) continue;
    std::vector<cl_device_id> devices(count);
    clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, count, devices.data(), nullptr);
    for (cl_device_id device : devices) {
      char text[256] = {};
      clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof(text) - 1, text, nullptr);
      if (name != text) continue;
      ClFacts facts;
      clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof(facts.type), &facts.type, nullptr);
      clGetDeviceInfo(device, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof(facts.unified), &facts.unified, nullptr);
      clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(facts.max_allocation), &facts.max_allocation,
                      nullptr);
      clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof(text) - 1, text, nullptr);
      facts.platform_name = text;
      std::fill(std::begin(text), std::end(text), '\0');
      clGetDeviceInfo(device, CL_DRIVER_VERSION, sizeof(text) - 1, text, nullptr);
      facts.driver_version = text;
      return facts;
    }
  }
  return std::nullopt;
}

void expect_out_of_memory(const strata::Device& device, std::uint64_t bytes) {
  try {
    device.allocate(bytes);
    ADD_FAILURE() << "allocating " << bytes << " bytes succeeded";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::out_of_memory) << error.what();
  }
}

TEST_F(OpenCLTest, DeviceReportsTheKindOpenCLGives) {
  const strata::DeviceInfo& info = device().info();
  const std::optional<ClFacts> facts = facts_for(info.description);
  ASSERT_TRUE(facts) << "no OpenCL device named " << info.description;
  strata::DeviceKind want = strata::DeviceKind::accel;
  if (facts->type & CL_DEVICE_TYPE_CPU)
    want = strata::DeviceKind::cpu;
  else if (facts->type & CL_DEVICE_TYPE_GPU)
    want = facts->unified ? strata::DeviceKind::igpu : strata::DeviceKind::gpu;
  EXPECT_EQ(info.kind, want);
  EXPECT_EQ(info.backend, "opencl");
  EXPECT_EQ(info.stable_id.rfind("opencl/", 0), 0u) << info.stable_id;
  EXPECT_TRUE(info.stores(strata::DType::f16));
  EXPECT_TRUE(info.stores(strata::DType::bf16));
  EXPECT_TRUE(info.caps.async);
  EXPECT_TRUE(info.caps.events);
  EXPECT_GT(info.peak_flops, 0.0);
  ASSERT_TRUE(info.memory_total);
  EXPECT_GT(*info.memory_total, 0u);
}

TEST_F(OpenCLTest, DeviceSaysItsDriverAndWhatItSharesWithTheHost) {
  const strata::DeviceInfo& info = device().info();
  const std::optional<ClFacts> facts = facts_for(info.description);
  ASSERT_TRUE(facts) << "no OpenCL device named " << info.description;
  strata::DeviceSharing want = strata::DeviceSharing::none;
  if (facts->type & CL_DEVICE_TYPE_CPU)
    want = strata::DeviceSharing::host_cores;  // PoCL: the same cores as the cpu device
  else if ((facts->type & CL_DEVICE_TYPE_GPU) && facts->unified)
    want = strata::DeviceSharing::host_memory;
  EXPECT_EQ(info.sharing, want);
  EXPECT_FALSE(info.sharing_inferred);
  // "Portable Computing Language 3.1+debian", "NVIDIA CUDA 580.159.04" (cut to the field's 63).
  EXPECT_EQ(info.driver, (facts->platform_name + " " + facts->driver_version).substr(0, 63));
}

TEST_F(OpenCLTest, AllocationsBeyondTheDeviceAreOutOfMemory) {
  const std::optional<ClFacts> facts = facts_for(device().info().description);
  ASSERT_TRUE(facts);
  expect_out_of_memory(device(), facts->max_allocation + 1);
  expect_out_of_memory(device(), device().info().memory_total.value() + 1);
  expect_out_of_memory(device(), std::numeric_limits<std::uint64_t>::max() / 2);
  // The failures left nothing behind: a normal allocation works and free memory is whole.
  EXPECT_EQ(device().memory().free, device().memory().total);
  strata::Buffer buffer = device().allocate(1 << 20);
  EXPECT_TRUE(buffer);
}

TEST_F(OpenCLTest, FreeMemoryIsTotalMinusThisPluginsAllocations) {
  const std::uint64_t before = device().memory().free.value();
  {
    strata::Buffer a = device().allocate(48 << 20);
    strata::Buffer b = device().allocate(3);
    EXPECT_EQ(device().memory().free.value(), before - (48 << 20) - 3);
  }
  EXPECT_EQ(device().memory().free.value(), before);
}

TEST_F(OpenCLTest, AnInvalidOpIsRefusedAndEnqueuesNothing) {
  strata::Tensor x(device(), strata::DType::f32, {2, 8});
  strata::Tensor w(device(), strata::DType::f16, {4, 9});  // K disagrees with x
  strata::Tensor out(device(), strata::DType::f32, {2, 4});
  const strata::Op bad = strata::ops::matmul(x, w, std::nullopt, out);
  EXPECT_FALSE(device().supports(bad));
  strata::Queue queue = device().create_queue();
  try {
    queue.submit(bad);
    FAIL() << "a matmul with mismatched K was accepted";
  } catch (const strata::Error& error) {
    EXPECT_EQ(error.code(), strata::StatusCode::invalid_argument) << error.what();
  }
  queue.finish();  // nothing was enqueued, nothing fails later
}

}  // namespace
}  // namespace opencl_test
