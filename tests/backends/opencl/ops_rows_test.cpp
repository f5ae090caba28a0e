// RMS_NORM, LAYER_NORM, SOFTMAX and ROPE: row lengths that are neither powers of two nor
// multiples of the work-group size, weights in every dtype, and in place.
#include "opencl_fixture.hpp"

#include <strata_reference/ops.hpp>

namespace opencl_test {
namespace {

using strata::DType;
namespace ref = strata_reference;

TEST_F(OpenCLTest, RmsNormForEveryWeightDtype) {
  std::mt19937 rng(11);
  for (DType w_type : {DType::f32, DType::f16, DType::bf16}) {
    OpCase c;
    c.name = std::string("rms_norm ") + std::string(strata::to_string(w_type));
    c.inputs = {random_tensor(DType::f32, {2, 3, 301}, rng, -2, 2), random_tensor(w_type, {301}, rng, 0.5f, 1.5f)};
    c.out_shape = {2, 3, 301};
    c.make = [](const auto& in, const auto& out) { return strata::ops::rms_norm(in[0], in[1], out, 1e-5f); };
    check(c, ref::rms_norm(c.inputs[0].values(), 301, c.inputs[1].values(), 1e-5).value, 2e-5);
  }
}

TEST_F(OpenCLTest, RmsNormInPlace) {
  std::mt19937 rng(12);
  OpCase c;
  c.name = "rms_norm in place";
  c.inputs = {random_tensor(DType::f32, {5, 64}, rng), random_tensor(DType::bf16, {64}, rng)};
  c.in_place = true;
  c.make = [](const auto& in, const auto&) { return strata::ops::rms_norm(in[0], in[1], in[0], 1e-6f); };
  check(c, ref::rms_norm(c.inputs[0].values(), 64, c.inputs[1].values(), 1e-6).value, 2e-5);
}

TEST_F(OpenCLTest, LayerNormWithAndWithoutBias) {
  std::mt19937 rng(13);
  for (bool with_bias : {false, true}) {
    OpCase c;
    c.name = with_bias ? "layer_norm with f16 weight, bf16 bias" : "layer_norm without bias";
    c.inputs = {random_tensor(DType::f32, {3, 517}, rng, 1, 3), random_tensor(DType::f16, {517}, rng)};
    if (with_bias) c.inputs.push_back(random_tensor(DType::bf16, {517}, rng));
    c.out_shape = {3, 517};
    c.make = [with_bias](const auto& in, const auto& out) {
      return strata::ops::layer_norm(in[0], in[1], with_bias ? std::optional(in[2]) : std::nullopt, out, 1e-5f);
    };
    const auto bias = with_bias ? c.inputs[2].values() : std::vector<double>{};
    check(c, ref::layer_norm(c.inputs[0].values(), 517, c.inputs[1].values(), bias, 1e-5).value, 5e-5);
  }
}

TEST_F(OpenCLTest, SoftmaxWithScaleAndInPlace) {
  std::mt19937 rng(14);
  OpCase c;
  c.name = "softmax";
  c.inputs = {random_tensor(DType::f32, {6, 1000}, rng, -8, 8)};
  c.out_shape = {6, 1000};
  c.make = [](const auto& in, const auto& out) { return strata::ops::softmax(in[0], out, 0.7f); };
  check(c, ref::softmax(c.inputs[0].values(), 1000, 0.7).value, 1e-5);
  c.name = "softmax in place";
  c.in_place = true;
  c.make = [](const auto& in, const auto&) { return strata::ops::softmax(in[0], in[0], 0.7f); };
  check(c, ref::softmax(c.inputs[0].values(), 1000, 0.7).value, 1e-5);
}

TEST_F(OpenCLTest, RopeFullAndPartialRotation) {
  std::mt19937 rng(15);
  const std::vector<std::int32_t> positions = {0, 5, 1000};
  for (int rotary : {24, 16}) {
    for (bool in_place : {false, true}) {
      OpCase c;
      c.name = "rope rotary_dim " + std::to_string(rotary) + (in_place ? " in place" : "");
      c.inputs = {random_tensor(DType::f32, {3, 5, 24}, rng), int_tensor({3}, positions)};
      c.out_shape = {3, 5, 24};
      c.in_place = in_place;
      c.make = [rotary, in_place](const auto& in, const auto& out) {
        return strata::ops::rope(in[0], in[1], in_place ? in[0] : out, 10000.0f, rotary);
      };
      // Angles up to 1000 rad in f32: allow the argument's rounding (~1000 * 2^-24).
      check(c, ref::rope(c.inputs[0].values(), 3, 5, 24, c.inputs[1].values(), 10000.0, rotary).value, 2e-4);
    }
  }
}

}  // namespace
}  // namespace opencl_test
