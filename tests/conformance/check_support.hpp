// Small helpers the device checks share.
#pragma once

#include <strata/device.hpp>
#include <strata/queue.hpp>

#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata_cts {

struct CheckFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct CheckSkipped : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename... Args>
void expect(bool condition, fmt::format_string<Args...> format, Args&&... args) {
  if (!condition) throw CheckFailed(fmt::format(format, std::forward<Args>(args)...));
}

inline std::vector<float> read_floats(strata::Queue& queue, const strata::Buffer& buffer, std::size_t count,
                                      std::uint64_t offset = 0) {
  std::vector<float> values(count);
  queue.read(buffer, offset, std::as_writable_bytes(std::span(values)));
  return values;
}

inline void write_floats(strata::Queue& queue, const strata::Buffer& buffer, std::span<const float> values,
                         std::uint64_t offset = 0) {
  queue.write(buffer, offset, std::as_bytes(values));
}

// A float tensor view over a whole buffer.
inline strata::TensorView floats(const strata::Buffer& buffer, std::int64_t count) {
  return {&buffer, 0, strata::DType::f32, strata::Shape{count}};
}

// The index of the first element that is not `want`, or -1.
inline std::int64_t first_not(const std::vector<float>& values, float want) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (values[i] != want) return static_cast<std::int64_t>(i);
  return -1;
}

}  // namespace strata_cts
