// Host-side tensors for the tests: values kept as the bytes of their dtype, made at random,
// decoded to double for comparisons.
#pragma once

#include <strata/types.hpp>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace opencl_test {

struct HostTensor {
  strata::DType dtype = strata::DType::f32;
  strata::Shape shape;
  std::vector<std::byte> bytes;

  std::int64_t elements() const { return shape.elements(); }
  // Every element as a double (f16/bf16 decoded exactly).
  std::vector<double> values() const;
  std::vector<std::int32_t> ints() const;
};

// Uniform in [low, high), rounded to the dtype.
HostTensor random_tensor(strata::DType dtype, strata::Shape shape, std::mt19937& rng, float low = -1.0f,
                         float high = 1.0f);
HostTensor tensor_from(strata::DType dtype, strata::Shape shape, const std::vector<float>& values);
HostTensor int_tensor(strata::Shape shape, const std::vector<std::int32_t>& values);

// Encodes one value the way the dtype stores it (round to nearest even).
double round_to(strata::DType dtype, double value);

}  // namespace opencl_test
