#include "runtime/state.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

namespace strata {

Buffer::Buffer(std::unique_ptr<detail::BufferState> state) : state_(std::move(state)) {}
Buffer::Buffer() = default;
Buffer::Buffer(Buffer&&) noexcept = default;
Buffer& Buffer::operator=(Buffer&&) noexcept = default;
Buffer::~Buffer() = default;

std::uint64_t Buffer::size() const { return state_ ? state_->size : 0; }

Device Buffer::device() const {
  if (!state_) throw Error(StatusCode::invalid_argument, "an empty Buffer has no device");
  return Device(state_->device);
}

void* Buffer::host_pointer() const {
  return state_ ? state_->device->api().buffer_host_pointer(state_->handle) : nullptr;
}

strata_buffer* Buffer::handle() const { return state_ ? state_->handle : nullptr; }

Tensor::Tensor(const Device& device, DType dtype, Shape shape)
    : buffer_(device.allocate(static_cast<std::uint64_t>(shape.elements()) * dtype_size(dtype))),
      dtype_(dtype),
      shape_(shape) {}

}  // namespace strata
