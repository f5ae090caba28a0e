// Device memory through the caller's allocation hook (LoadOptions::before_allocate for weights,
// SessionOptions::before_allocate for a session's own buffers), so tests can fail any allocation.
#pragma once

#include <strata/loaded_model.hpp>

namespace strata::detail {

Buffer allocate_buffer(const BeforeAllocate& before_allocate, const Device& device, std::uint64_t bytes);
Tensor allocate_tensor(const BeforeAllocate& before_allocate, const Device& device, DType dtype, Shape shape);

}  // namespace strata::detail
