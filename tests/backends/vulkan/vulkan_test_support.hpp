// Shared by the Vulkan backend tests: a Runtime with just the CPU and Vulkan plugins of this
// build, the rule for a missing Vulkan device (skip, but fail when CI=true), and running one op
// on any device with guard bands around every tensor.
#pragma once

#include <strata/strata.hpp>
#include <strata_test/scoped_env.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vulkan_test {

using strata_test::ScopedEnv;

// The CPU and Vulkan plugins of this build tree, nothing else.
strata::Runtime make_runtime();

// vulkan:0, or nullopt with a GTest failure (CI=true, or validation asked for) or skip message
// set by REQUIRE_VULKAN.
std::optional<strata::Device> find_vulkan(const strata::Runtime& runtime, std::string& why_missing);
bool vulkan_absence_is_failure();

#define REQUIRE_VULKAN(runtime, device)                                           \
  std::string why_missing_##device;                                               \
  auto found_##device = vulkan_test::find_vulkan(runtime, why_missing_##device);  \
  if (!found_##device) {                                                          \
    if (vulkan_test::vulkan_absence_is_failure()) FAIL() << why_missing_##device; \
    GTEST_SKIP() << why_missing_##device;                                         \
  }                                                                               \
  const strata::Device device = *found_##device

// Host-side tensor: raw bytes in its dtype, and where it sits inside its buffer.
struct HostTensor {
  strata::DType dtype = strata::DType::f32;
  strata::Shape shape;
  std::vector<std::byte> bytes;
  std::uint64_t offset = 0;  // bytes from the start of its buffer (a multiple of the element size)

  std::int64_t elements() const { return shape.elements(); }
  std::vector<double> values() const;  // decoded to double
};

// Random values in [-scale, scale] stored as `dtype` (deterministic for a seed).
HostTensor random_tensor(strata::DType dtype, strata::Shape shape, std::uint32_t seed, double scale = 1.0,
                         std::uint64_t offset_elements = 0);
HostTensor int_tensor(std::vector<std::int32_t> values, std::uint64_t offset_elements = 0);
HostTensor zero_tensor(strata::DType dtype, strata::Shape shape, std::uint64_t offset_elements = 0);

// Builds the op from views of the placed tensors (inputs first, then the output).
using OpBuilder =
    std::function<strata::Op(const std::vector<strata::TensorView>& inputs, const strata::TensorView& out)>;

struct OpRun {
  std::vector<HostTensor> inputs;
  HostTensor output;             // its bytes are the output's contents before the op
  bool out_over_input0 = false;  // write the output exactly over inputs[0]
  OpBuilder build;
};

// Runs the op on `device`: every tensor in its own buffer with guard bytes before and after it,
// which must come back untouched. Returns the output tensor's bytes.
std::vector<std::byte> run_op(const strata::Device& device, const OpRun& run);

// Runs on both devices and compares: |got - want| <= tolerance * max(1, max |want|) for every
// element, no NaN where the reference has none. `exact` compares bytes.
void expect_same_output(const strata::Device& vulkan, const strata::Device& cpu, const OpRun& run, double tolerance,
                        bool exact = false);

std::vector<double> decode(strata::DType dtype, const std::vector<std::byte>& bytes);

}  // namespace vulkan_test
