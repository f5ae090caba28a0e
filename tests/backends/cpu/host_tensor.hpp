// Test data on the host: a tensor's dtype, shape and bytes, made from and read back as
// doubles through the independent half-precision reference.
#pragma once

#include <strata/backend.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace strata_test {

struct HostTensor {
  strata_dtype dtype = STRATA_DTYPE_F32;
  std::vector<std::int64_t> shape;
  std::vector<std::byte> bytes;

  std::int64_t elements() const;
};

std::size_t element_size(strata_dtype dtype);
std::int64_t element_count(const std::vector<std::int64_t>& shape);
std::string shape_text(const std::vector<std::int64_t>& shape);  // "3x17"
const char* dtype_text(strata_dtype dtype);

// Stores `values` in `dtype`, rounding to nearest even (f32: the C++ double -> float cast).
HostTensor make_tensor(strata_dtype dtype, std::vector<std::int64_t> shape, const std::vector<double>& values);
// Exact values of the stored elements.
std::vector<double> values_of(const HostTensor& tensor);
std::vector<double> decode(strata_dtype dtype, const std::byte* bytes, std::int64_t count);

// Deterministic random data.
class Random {
 public:
  explicit Random(std::uint32_t seed) : engine_(seed) {}
  std::vector<double> uniform(std::int64_t count, double low, double high);
  std::vector<double> ints(std::int64_t count, std::int64_t low, std::int64_t high);  // inclusive

 private:
  std::mt19937 engine_;
};

}  // namespace strata_test
