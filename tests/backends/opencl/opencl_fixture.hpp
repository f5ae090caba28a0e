// The test fixture: a runtime with the opencl (and, when built, cpu) plugins, the first
// OpenCL device, and a way to run one op on a device with guard bands around every tensor.
// No OpenCL device: the test skips, except under CI=true, where PoCL must be present.
#pragma once

#include "test_tensor.hpp"

#include <strata/strata.hpp>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace opencl_test {

// Only the plugins these tests need, from the build's plugin folder: opencl, and cpu (the
// second reference) unless `with_cpu` is false.
strata::RuntimeOptions test_runtime_options(bool with_cpu = true);
std::optional<strata::Device> first_opencl_device(const strata::Runtime& runtime);

struct OpCase;

class OpenCLTest : public ::testing::Test {
 public:
  const strata::Device& device() const { return *device_; }
  // Runs the case on the OpenCL device and compares with `want` (the scalar reference) and
  // with the cpu backend's result when that backend runs the op.
  void check(const OpCase& c, const std::vector<double>& want, double tolerance) const;

 protected:
  void SetUp() override;

  std::unique_ptr<strata::Runtime> runtime_;
  std::optional<strata::Device> device_;
  std::optional<strata::Device> cpu_;  // the cpu backend, when it is built
};

using MakeOp = std::function<strata::Op(const std::vector<strata::TensorView>& inputs, const strata::TensorView& out)>;

struct OpCase {
  std::string name;
  std::vector<HostTensor> inputs;
  strata::DType out_dtype = strata::DType::f32;
  strata::Shape out_shape;
  MakeOp make;
  bool in_place = false;      // the output is written over input 0
  std::uint64_t margin = 12;  // bytes before and after each tensor; 12 leaves most offsets unaligned
};

// Runs the case on `device`: each tensor sits `margin` bytes into a buffer whose margins hold
// a sentinel; a margin that changed fails the test (an out-of-bounds write).
HostTensor run_case(const strata::Device& device, const OpCase& c);

// |got - want| <= tolerance * max(1, |want|) for every element.
void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tolerance,
                  const std::string& what);

}  // namespace opencl_test
