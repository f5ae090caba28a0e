// Small conversions between the test data and the C++ API.
#pragma once

#include <strata/strata.hpp>

#include "host_tensor.hpp"

#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

namespace strata_test {

inline strata::Shape to_shape(const std::vector<std::int64_t>& dims) {
  switch (dims.size()) {
    case 1:
      return strata::Shape{dims[0]};
    case 2:
      return strata::Shape{dims[0], dims[1]};
    case 3:
      return strata::Shape{dims[0], dims[1], dims[2]};
    case 4:
      return strata::Shape{dims[0], dims[1], dims[2], dims[3]};
    default:
      throw std::logic_error("rank must be 1..4");
  }
}

inline strata::DType to_dtype(strata_dtype dtype) { return static_cast<strata::DType>(dtype); }

inline std::vector<std::byte> read_all(strata::Queue& queue, const strata::Buffer& buffer) {
  std::vector<std::byte> bytes(buffer.size());
  queue.read(buffer, 0, bytes);
  return bytes;
}

template <typename T>
std::span<const std::byte> bytes_of(const std::vector<T>& values) {
  return std::as_bytes(std::span<const T>(values));
}

}  // namespace strata_test
