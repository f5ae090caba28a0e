#include "queue.hpp"

#include "op_launch.hpp"

#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>
#include <strata_safe_io/environment.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace strata_opencl {

namespace {

// Writes up to this size are copied aside and enqueued without blocking; larger ones (weight
// uploads) block instead of doubling their memory on the host.
constexpr std::uint64_t kStagedWriteLimit = 16ull << 20;
constexpr std::uint32_t kFlushEvery = 16;

MatmulEngine engine_from_environment() {
  const std::optional<std::string> text = strata::safe_io::environment_variable("STRATA_OPENCL_MATMUL");
  if (!text || *text == "own") return MatmulEngine::own;
  if (*text == "clblast") return MatmulEngine::clblast;
  strata_plugin::log(STRATA_LOG_WARNING,
                     fmt::format("opencl: STRATA_OPENCL_MATMUL={} is neither 'own' nor 'clblast'; using own", *text));
  return MatmulEngine::own;
}

void check_range(const Buffer& buffer, std::uint64_t offset, std::uint64_t size, const char* what) {
  if (offset > buffer.size || size > buffer.size - offset)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "opencl: {} of {} bytes at offset {} overruns a buffer of {}",
                        what, size, offset, buffer.size);
}

void check_owner(const Device& queue_device, const Buffer& buffer, const char* what) {
  if (buffer.device != &queue_device)
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "opencl: {} uses a buffer of another device", what);
}

}  // namespace

Queue::Queue(Device& device)
    : device_(device),
      context_(device.context()),
      queue_(context_, device.cl_device()),
      kernels_(device.program()),
      engine_(engine_from_environment()),
      error_flag_(context_, CL_MEM_READ_WRITE, sizeof(cl_int)) {
  const cl_int zero = 0;
  queue_.enqueueWriteBuffer(error_flag_, CL_TRUE, 0, sizeof(zero), &zero);
  if (engine_ == MatmulEngine::clblast) {
    // Asked for explicitly (to measure it): its absence is an error, not a silent substitution.
    clblast_ = ClblastMatmul::load();
    if (!clblast_)
      strata_plugin::fail(STRATA_STATUS_UNAVAILABLE,
                          "opencl: STRATA_OPENCL_MATMUL=clblast but libclblast.so.1 cannot be loaded");
  }
}

Queue::~Queue() {
  try {
    queue_.finish();
  } catch (const cl::Error& error) {
    strata_plugin::log(STRATA_LOG_WARNING, fmt::format("opencl: a queue ended with an error: {}", error.what()));
  }
  if (scratch_size_ != 0) device_.release(scratch_size_);
}

void Queue::reap_writes() {
  while (!pending_writes_.empty() &&
         pending_writes_.front().done.getInfo<CL_EVENT_COMMAND_EXECUTION_STATUS>() == CL_COMPLETE)
    pending_writes_.pop_front();
}

void Queue::write(Buffer& dst, std::uint64_t offset, const void* src, std::uint64_t size) {
  check_owner(device_, dst, "write");
  check_range(dst, offset, size, "write");
  if (size == 0) return;
  reap_writes();
  if (size > kStagedWriteLimit) {
    queue_.enqueueWriteBuffer(dst.memory, CL_TRUE, offset, size, src);
    return;
  }
  PendingWrite pending;
  pending.bytes.resize(size);
  std::memcpy(pending.bytes.data(), src, size);
  queue_.enqueueWriteBuffer(dst.memory, CL_FALSE, offset, size, pending.bytes.data(), nullptr, &pending.done);
  pending_writes_.push_back(std::move(pending));
  queue_.flush();
}

void Queue::read(Buffer& src, std::uint64_t offset, void* dst, std::uint64_t size) {
  check_owner(device_, src, "read");
  check_range(src, offset, size, "read");
  check_error_flag();  // before touching dst: a failed call leaves its outputs untouched
  if (size == 0) return;
  queue_.enqueueReadBuffer(src.memory, CL_TRUE, offset, size, dst);
  reap_writes();
}

void Queue::copy(Buffer& src, std::uint64_t src_offset, Buffer& dst, std::uint64_t dst_offset, std::uint64_t size) {
  check_owner(device_, src, "copy");
  check_owner(device_, dst, "copy");
  check_range(src, src_offset, size, "copy source");
  check_range(dst, dst_offset, size, "copy destination");
  if (size == 0 || (&src == &dst && src_offset == dst_offset)) return;
  const bool overlap = &src == &dst && src_offset < dst_offset + size && dst_offset < src_offset + size;
  if (overlap) {
    // OpenCL refuses overlapping copies (CL_MEM_COPY_OVERLAP): go through a scratch buffer.
    const cl::Buffer& tmp = scratch(size);
    queue_.enqueueCopyBuffer(src.memory, tmp, src_offset, 0, size);
    queue_.enqueueCopyBuffer(tmp, dst.memory, 0, dst_offset, size);
  } else {
    queue_.enqueueCopyBuffer(src.memory, dst.memory, src_offset, dst_offset, size);
  }
  queue_.flush();
}

void Queue::submit(const strata_op* ops, std::uint32_t count) {
  // Validate everything first: a validation error enqueues nothing.
  for (std::uint32_t i = 0; i < count; ++i) check_op_for_device(ops[i], device_);
  // Flush as we go, so the device starts on the first kernels while the host still enqueues
  // the rest (a decode token is a few hundred small launches).
  for (std::uint32_t i = 0; i < count; ++i) {
    launch_op(*this, ops[i]);
    if (i % kFlushEvery == kFlushEvery - 1) queue_.flush();
  }
  queue_.flush();
}

void Queue::finish() {
  queue_.finish();
  pending_writes_.clear();
  check_error_flag();
}

void Queue::check_error_flag() {
  if (!error_flag_armed_) return;
  cl_int flag = 0;
  queue_.enqueueReadBuffer(error_flag_, CL_TRUE, 0, sizeof(flag), &flag);
  error_flag_armed_ = false;
  if (flag != 0) {
    const cl_int zero = 0;
    queue_.enqueueWriteBuffer(error_flag_, CL_TRUE, 0, sizeof(zero), &zero);
    strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT,
                        "opencl: embedding: an id was outside [0, vocabulary size); its row was written as zeros");
  }
}

const cl::Buffer& Queue::scratch(std::uint64_t bytes) {
  if (bytes > scratch_size_) {
    device_.reserve(bytes);
    try {
      scratch_ = cl::Buffer(context_, CL_MEM_READ_WRITE, bytes);
    } catch (...) {
      device_.release(bytes);
      throw;
    }
    // The old scratch is released by OpenCL once the commands that use it are done.
    if (scratch_size_ != 0) device_.release(scratch_size_);
    scratch_size_ = bytes;
  }
  return scratch_;
}

Event* Queue::record() {
  auto event = std::make_unique<Event>();
  event->context = context_;
  queue_.enqueueMarkerWithWaitList(nullptr, &event->event);
  queue_.flush();  // a waiter on another queue must not depend on this queue being flushed later
  return event.release();
}

namespace {

// Completes a user event of the waiting queue's context when the awaited event (of another
// context) completes: OpenCL cannot put another context's event in a wait list.
void CL_CALLBACK complete_bridge(cl_event, cl_int status, void* user_data) {
  auto* bridge = static_cast<cl::UserEvent*>(user_data);
  try {
    bridge->setStatus(status < 0 ? status : CL_COMPLETE);
  } catch (...) {
  }
  delete bridge;
}

}  // namespace

void Queue::wait(const Event& event) {
  if (event.context() == context_()) {
    const std::vector<cl::Event> wait_list{event.event};
    queue_.enqueueBarrierWithWaitList(&wait_list);
  } else {
    cl::UserEvent bridge(context_);
    const std::vector<cl::Event> wait_list{bridge};
    queue_.enqueueBarrierWithWaitList(&wait_list);
    auto* owned = new cl::UserEvent(bridge);
    try {
      const_cast<cl::Event&>(event.event).setCallback(CL_COMPLETE, complete_bridge, owned);
    } catch (...) {
      bridge.setStatus(CL_COMPLETE);  // never leave the queue blocked on a bridge nobody completes
      delete owned;
      throw;
    }
  }
  queue_.flush();
}

}  // namespace strata_opencl
