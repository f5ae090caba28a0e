#include "plugin/host_table.hpp"
#include "runtime/op_abi.hpp"
#include "runtime/state.hpp"

#include <strata/error.hpp>

#include <fmt/format.h>

#include <limits>

namespace strata {
namespace {

strata_buffer* handle_of(const Buffer& buffer, const detail::DeviceState& device, const char* role) {
  if (!buffer)
    throw Error(StatusCode::invalid_argument, fmt::format("{}: the {} buffer is empty", device.info.name, role));
  if (buffer.device().state().get() != &device)
    throw Error(StatusCode::invalid_argument,
                fmt::format("{}: the {} buffer belongs to {}; copy it across devices through the host",
                            device.info.name, role, buffer.device().name()));
  return buffer.handle();
}

}  // namespace

Queue::Queue(std::unique_ptr<detail::QueueState> state) : state_(std::move(state)) {}
Queue::Queue() = default;
Queue::Queue(Queue&&) noexcept = default;
Queue& Queue::operator=(Queue&&) noexcept = default;
Queue::~Queue() = default;

Device Queue::device() const { return Device(state_->device); }

void Queue::write(const Buffer& dst, std::uint64_t dst_offset, std::span<const std::byte> src) {
  const auto& device = *state_->device;
  detail::check(device.api().queue_write(state_->handle, handle_of(dst, device, "destination"), dst_offset, src.data(),
                                         src.size()),
                fmt::format("{}: writing {} bytes at offset {}", device.info.name, src.size(), dst_offset));
}

void Queue::read(const Buffer& src, std::uint64_t src_offset, std::span<std::byte> dst) {
  const auto& device = *state_->device;
  detail::check(
      device.api().queue_read(state_->handle, handle_of(src, device, "source"), src_offset, dst.data(), dst.size()),
      fmt::format("{}: reading {} bytes at offset {}", device.info.name, dst.size(), src_offset));
}

void Queue::copy(const Buffer& src, std::uint64_t src_offset, const Buffer& dst, std::uint64_t dst_offset,
                 std::uint64_t bytes) {
  const auto& device = *state_->device;
  detail::check(device.api().queue_copy(state_->handle, handle_of(src, device, "source"), src_offset,
                                        handle_of(dst, device, "destination"), dst_offset, bytes),
                fmt::format("{}: copying {} bytes", device.info.name, bytes));
}

void Queue::submit(std::span<const Op> ops) {
  if (ops.empty()) return;
  const auto& device = *state_->device;
  if (ops.size() > std::numeric_limits<std::uint32_t>::max())
    throw Error(StatusCode::invalid_argument, "too many ops in one submit");
  // Op is a standard-layout wrapper of strata_op, so the span is an array of strata_op.
  static_assert(sizeof(Op) == sizeof(strata_op));
  for (const Op& op : ops) detail::require_plugin_understands(device, op.raw);
  detail::check(device.api().queue_submit(state_->handle, &ops.front().raw, static_cast<std::uint32_t>(ops.size())),
                device.info.name);
}

void Queue::finish() {
  const auto& device = *state_->device;
  detail::check(device.api().queue_finish(state_->handle), fmt::format("{}: finishing the queue", device.info.name));
}

Event Queue::record() {
  const auto& device = *state_->device;
  strata_event* handle = nullptr;
  detail::check(device.api().event_record(state_->handle, &handle),
                fmt::format("{}: recording an event", device.info.name));
  return Event(std::make_shared<detail::EventState>(state_->device, handle));
}

void Queue::wait(const Event& event) {
  const auto& device = *state_->device;
  if (!event) throw Error(StatusCode::invalid_argument, "waiting on an empty Event");
  if (event.state()->device->plugin != state_->device->plugin)
    throw Error(StatusCode::invalid_argument,
                fmt::format("{}: cannot wait on an event of {} (another backend); synchronize it on the host",
                            device.info.name, event.state()->device->info.name));
  detail::check(device.api().queue_wait_event(state_->handle, event.state()->handle),
                fmt::format("{}: waiting on an event", device.info.name));
}

void Event::synchronize() const {
  if (!state_) throw Error(StatusCode::invalid_argument, "synchronizing an empty Event");
  detail::check(state_->device->api().event_synchronize(state_->handle),
                fmt::format("{}: synchronizing an event", state_->device->info.name));
}

}  // namespace strata
