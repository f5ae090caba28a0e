#include "calibration/host_pattern.hpp"

#include <algorithm>
#include <cstring>
#include <span>

namespace strata::detail {
namespace {

// Bit patterns with the exponent of 1/16 and a varying mantissa, for each dtype's layout.
std::uint32_t f32_bits(std::size_t i) {
  return (123u << 23) | static_cast<std::uint32_t>((i * 2654435761u) & 0x7fffffu);
}
std::uint16_t f16_bits(std::size_t i) { return static_cast<std::uint16_t>((11u << 10) | ((i * 37u) & 0x3ffu)); }
std::uint16_t bf16_bits(std::size_t i) { return static_cast<std::uint16_t>((123u << 7) | ((i * 37u) & 0x7fu)); }

template <typename Bits, typename Make>
void fill_elements(std::vector<std::byte>& data, Make make) {
  for (std::size_t i = 0; i < data.size() / sizeof(Bits); ++i) {
    const Bits bits = make(i);
    std::memcpy(data.data() + i * sizeof(Bits), &bits, sizeof(Bits));
  }
}

}  // namespace

std::vector<std::byte> host_pattern(DType dtype, std::size_t bytes) {
  std::vector<std::byte> data(bytes);
  switch (dtype) {
    case DType::f16:
      fill_elements<std::uint16_t>(data, f16_bits);
      break;
    case DType::bf16:
      fill_elements<std::uint16_t>(data, bf16_bits);
      break;
    default:
      fill_elements<std::uint32_t>(data, f32_bits);
      break;
  }
  return data;
}

void fill_buffer(Queue& queue, const Buffer& buffer, std::uint64_t bytes, const std::vector<std::byte>& chunk) {
  for (std::uint64_t offset = 0; offset < bytes; offset += chunk.size()) {
    const std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), bytes - offset));
    queue.write(buffer, offset, std::span<const std::byte>(chunk.data(), piece));
  }
  queue.finish();
}

TensorView FilledTensors::make(DType dtype, Shape shape) {
  tensors_.push_back(std::make_unique<Tensor>(device_, dtype, shape));
  const Tensor& made = *tensors_.back();
  if (dtype == DType::i32) {
    const std::vector<std::int32_t> values(static_cast<std::size_t>(shape.elements()), 3);
    queue_.write(made.buffer(), 0, std::as_bytes(std::span(values)));
  } else {
    fill_buffer(queue_, made.buffer(), made.bytes(), host_pattern(dtype, made.bytes()));
  }
  return made.view();
}

}  // namespace strata::detail
