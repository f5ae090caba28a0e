// Host data to fill device buffers with: non-zero, finite, normal numbers (zeros or denormals
// can make some devices faster or slower than real weights would).
#pragma once

#include <strata/queue.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace strata::detail {

// `bytes` (a multiple of the dtype's size) of values in [1/16, 1/8) stored as `dtype`.
std::vector<std::byte> host_pattern(DType dtype, std::size_t bytes);

// Writes `bytes` of `buffer` from the start, in pieces of `chunk`, then waits for the writes.
void fill_buffer(Queue& queue, const Buffer& buffer, std::uint64_t bytes, const std::vector<std::byte>& chunk);

// Device tensors a measurement's ops read and write, each filled when made (host_pattern; an i32
// tensor with 3s) and freed together.
class FilledTensors {
 public:
  FilledTensors(const Device& device, Queue& queue) : device_(device), queue_(queue) {}

  TensorView make(DType dtype, Shape shape);

 private:
  const Device& device_;
  Queue& queue_;
  std::vector<std::unique_ptr<Tensor>> tensors_;  // views point into them: never moved
};

}  // namespace strata::detail
