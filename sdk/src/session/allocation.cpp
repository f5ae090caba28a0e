#include "allocation.hpp"

namespace strata::detail {

Buffer allocate_buffer(const BeforeAllocate& before_allocate, const Device& device, std::uint64_t bytes) {
  if (before_allocate) before_allocate(device, bytes);
  return device.allocate(bytes);
}

Tensor allocate_tensor(const BeforeAllocate& before_allocate, const Device& device, DType dtype, Shape shape) {
  if (before_allocate) before_allocate(device, static_cast<std::uint64_t>(shape.elements()) * dtype_size(dtype));
  return Tensor(device, dtype, shape);
}

}  // namespace strata::detail
