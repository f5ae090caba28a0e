// Queues (in-order streams of work on one device) and events (points in a stream).
#pragma once

#include <strata/export.hpp>

#include <strata/device.hpp>
#include <strata/ops.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace strata {

namespace detail {
struct QueueState;
struct EventState;
}  // namespace detail

class STRATA_API Event {
 public:
  Event() = default;
  explicit Event(std::shared_ptr<detail::EventState> state) : state_(std::move(state)) {}
  explicit operator bool() const { return state_ != nullptr; }
  // Blocks until the work before the event has completed.
  void synchronize() const;
  const std::shared_ptr<detail::EventState>& state() const { return state_; }

 private:
  std::shared_ptr<detail::EventState> state_;
};

// Use one queue from one thread at a time. Move-only; waits for its work when destroyed.
class STRATA_API Queue {
 public:
  Queue();
  Queue(Queue&&) noexcept;
  Queue& operator=(Queue&&) noexcept;
  ~Queue();

  explicit operator bool() const { return state_ != nullptr; }
  Device device() const;

  // `src` may be reused when write returns.
  void write(const Buffer& dst, std::uint64_t dst_offset, std::span<const std::byte> src);
  // Waits for earlier work, then copies to the host.
  void read(const Buffer& src, std::uint64_t src_offset, std::span<std::byte> dst);
  void copy(const Buffer& src, std::uint64_t src_offset, const Buffer& dst, std::uint64_t dst_offset,
            std::uint64_t bytes);
  void submit(std::span<const Op> ops);
  void submit(const Op& op) { submit(std::span<const Op>(&op, 1)); }
  void finish();

  Event record();
  // Later work on this queue waits for `event` (from any queue of the same backend).
  void wait(const Event& event);

  template <typename T>
  void write(const TensorView& dst, std::span<const T> values) {
    write(*dst.buffer, dst.offset, std::as_bytes(values));
  }
  template <typename T>
  void read(const TensorView& src, std::span<T> values) {
    read(*src.buffer, src.offset, std::as_writable_bytes(values));
  }

  // For the SDK itself.
  explicit Queue(std::unique_ptr<detail::QueueState> state);

 private:
  std::unique_ptr<detail::QueueState> state_;
};

}  // namespace strata
