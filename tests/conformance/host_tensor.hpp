// Test data on the host: the exact bytes uploaded to a device, and their values as doubles.
#pragma once

#include <strata/types.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace strata_cts {

struct TensorSpec {
  strata::DType dtype = strata::DType::f32;
  strata::Shape shape;

  std::int64_t elements() const { return shape.elements(); }
  std::uint64_t bytes() const { return static_cast<std::uint64_t>(elements()) * strata::dtype_size(dtype); }
};

// Builds a Shape of any rank 1..4 from run-time dimensions.
strata::Shape make_shape(std::span<const std::int64_t> dims);

struct HostTensor {
  TensorSpec spec;
  std::vector<std::byte> bytes;

  // Encodes `values` into spec.dtype (rounding to nearest even for f16/bf16, truncating toward
  // zero for i32).
  static HostTensor encode(const TensorSpec& spec, std::span<const double> values);
  // Reads raw bytes (e.g. what a device returned) as a tensor of `spec`.
  static HostTensor from_bytes(const TensorSpec& spec, std::span<const std::byte> raw);

  // Every element as a double (exact for all four dtypes).
  std::vector<double> decode() const;
};

double decode_element(strata::DType dtype, const std::byte* element);
void encode_element(strata::DType dtype, double value, std::byte* element);

}  // namespace strata_cts
