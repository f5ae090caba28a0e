// Queues run each call at once on the caller's thread: submission order is execution order,
// and when a call returns its work is done. An asynchronous backend would enqueue here and
// make finish, read and events wait.
#include "sample.hpp"

#include <cstring>
#include <string>

namespace sample {
namespace {

void check_range(const strata_buffer* buffer, uint64_t offset, uint64_t size, const char* what) {
  if (buffer == nullptr) throw Failure(STRATA_STATUS_INVALID_ARGUMENT, std::string("sample: ") + what + ": no buffer");
  if (offset > buffer->size || size > buffer->size - offset)  // written so that it cannot overflow
    throw Failure(STRATA_STATUS_INVALID_ARGUMENT, std::string("sample: ") + what + ": " + std::to_string(size) +
                                                      " bytes at offset " + std::to_string(offset) +
                                                      " overrun a buffer of " + std::to_string(buffer->size));
}

}  // namespace

strata_status* queue_create(strata_device* device, strata_queue** out_queue) {
  return guarded([&] { *out_queue = new strata_queue{device}; });
}

void queue_destroy(strata_queue* queue) { delete queue; }  // nothing pending: work never waits

strata_status* queue_write(strata_queue*, strata_buffer* dst, uint64_t dst_offset, const void* src, uint64_t size) {
  return guarded([&] {
    check_range(dst, dst_offset, size, "write");
    if (size != 0) std::memcpy(dst->data + dst_offset, src, size);  // a zero-size write may pass null
  });
}

strata_status* queue_read(strata_queue*, strata_buffer* src, uint64_t src_offset, void* dst, uint64_t size) {
  return guarded([&] {
    check_range(src, src_offset, size, "read");
    if (size != 0) std::memcpy(dst, src->data + src_offset, size);
  });
}

strata_status* queue_copy(strata_queue*, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                          uint64_t dst_offset, uint64_t size) {
  return guarded([&] {
    check_range(src, src_offset, size, "copy source");
    check_range(dst, dst_offset, size, "copy destination");
    if (size != 0) std::memmove(dst->data + dst_offset, src->data + src_offset, size);
  });
}

strata_status* queue_submit(strata_queue*, const strata_op* ops, uint32_t op_count) {
  return guarded([&] {
    // Validate the whole batch before running any of it: a refused batch enqueues nothing.
    for (uint32_t i = 0; i < op_count; ++i) {
      bool unsupported = false;
      const std::string problem = check_op(ops[i], unsupported);
      if (!problem.empty())
        throw Failure(unsupported ? STRATA_STATUS_UNSUPPORTED : STRATA_STATUS_INVALID_ARGUMENT, "sample: " + problem);
      check_buffers(ops[i]);
    }
    for (uint32_t i = 0; i < op_count; ++i) run_op(ops[i]);
  });
}

strata_status* queue_finish(strata_queue*) { return nullptr; }

strata_status* event_record(strata_queue*, strata_event** out_event) {
  return guarded([&] { *out_event = new strata_event; });
}

strata_status* queue_wait_event(strata_queue*, strata_event*) { return nullptr; }  // already complete

strata_status* event_synchronize(strata_event*) { return nullptr; }

void event_release(strata_event* event) { delete event; }

}  // namespace sample
