// Queues run synchronously: every call does its work on the caller's thread (ops spread over
// TBB's workers) and returns when it is done, in submission order. So the queue is always
// idle between calls, finish has nothing to wait for, events are complete when recorded, and
// an error during an op is returned by queue_submit itself (the batch's later ops do not run).
#include <strata_cpu/kernels.hpp>

#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include <strata_host_plugin/entries.hpp>
#include <strata_host_plugin/objects.hpp>

#include <cstring>
#include <memory>

namespace strata_host_plugin {
namespace {

// Checks every tensor of `op` against its buffer: live, on this device, large enough.
void check_op_memory(const strata_op& op, const strata_device* device) {
  static const char* const roles[STRATA_MAX_OP_INPUTS] = {"input 0", "input 1", "input 2", "input 3"};
  const auto check = [&](const strata_tensor& t, const char* role) {
    const std::string what = fmt::format("{} {}", strata_plugin::op_name(op.kind), role);
    const strata_buffer& buffer = checked(t.buffer, device, what.c_str());
    strata_plugin::check_fits(t, buffer.size, what.c_str());
  };
  for (uint32_t i = 0; i < op.n_inputs; ++i) check(op.inputs[i], roles[i]);
  check(op.output, "output");
}

}  // namespace

strata_status* queue_create(strata_device* device, strata_queue** out_queue) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if (out_queue == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: out_queue is null", plugin_name);
    auto queue = std::make_unique<strata_queue>();
    queue->device = &d;
    *out_queue = queue.release();
  });
}

void queue_destroy(strata_queue* queue) { delete queue; }

strata_status* queue_write(strata_queue* queue, strata_buffer* dst, uint64_t dst_offset, const void* src,
                           uint64_t size) {
  return strata_plugin::guard([&] {
    const strata_queue& q = checked(queue);
    strata_buffer& buffer = checked(dst, q.device, "write destination");
    check_range(buffer, dst_offset, size, "write destination");
    if (size == 0) return;
    if (src == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: write source is null", plugin_name);
    std::memcpy(buffer.data + dst_offset, src, size);
  });
}

strata_status* queue_read(strata_queue* queue, strata_buffer* src, uint64_t src_offset, void* dst, uint64_t size) {
  return strata_plugin::guard([&] {
    const strata_queue& q = checked(queue);
    const strata_buffer& buffer = checked(src, q.device, "read source");
    check_range(buffer, src_offset, size, "read source");
    if (size == 0) return;
    if (dst == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: read destination is null", plugin_name);
    std::memcpy(dst, buffer.data + src_offset, size);
  });
}

strata_status* queue_copy(strata_queue* queue, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                          uint64_t dst_offset, uint64_t size) {
  return strata_plugin::guard([&] {
    const strata_queue& q = checked(queue);
    const strata_buffer& from = checked(src, q.device, "copy source");
    strata_buffer& to = checked(dst, q.device, "copy destination");
    check_range(from, src_offset, size, "copy source");
    check_range(to, dst_offset, size, "copy destination");
    if (size != 0) std::memmove(to.data + dst_offset, from.data + src_offset, size);  // ranges may overlap
  });
}

strata_status* queue_submit(strata_queue* queue, const strata_op* ops, uint32_t op_count) {
  return strata_plugin::guard([&] {
    const strata_queue& q = checked(queue);
    if (op_count != 0 && ops == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: ops is null", plugin_name);
    // The whole batch is validated before any op runs: a bad op enqueues nothing.
    for (uint32_t i = 0; i < op_count; ++i) {
      strata_plugin::validate_op(ops[i], true);
      check_op_memory(ops[i], q.device);
    }
    const strata_cpu::ResolveBuffer resolve = [](strata_buffer* buffer) { return buffer->data; };
    for (uint32_t i = 0; i < op_count; ++i) strata_cpu::execute(ops[i], resolve);
  });
}

strata_status* queue_finish(strata_queue* queue) {
  return strata_plugin::guard([&] { checked(queue); });
}

strata_status* event_record(strata_queue* queue, strata_event** out_event) {
  return strata_plugin::guard([&] {
    const strata_queue& q = checked(queue);
    if (out_event == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: out_event is null", plugin_name);
    auto event = std::make_unique<strata_event>();
    event->device = q.device;
    *out_event = event.release();
  });
}

strata_status* queue_wait_event(strata_queue* queue, strata_event* event) {
  return strata_plugin::guard([&] {
    checked(queue);
    checked(event);
  });
}

strata_status* event_synchronize(strata_event* event) {
  return strata_plugin::guard([&] { checked(event); });
}

void event_release(strata_event* event) { delete event; }

}  // namespace strata_host_plugin
