// The sample backend's objects and the helpers its entry points share.
//
// It is a plain, single-threaded reference device: buffers are host memory, and every queue
// runs its work at once on the caller's thread, so events are complete as soon as they exist.
// So it computes on the host's own cores, and says so (STRATA_SHARING_HOST_CORES); it reports no
// speed figures, which the SDK measures. It stores f32 and i32 only and runs a subset of the op
// set; supports_op says which, and the SDK never sends it anything else.
#pragma once

#include <strata/backend.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>

// The opaque handles of backend.h are ours to define.
struct strata_device {
  std::mutex mutex;  // device entries may be called from many threads at once
  std::uint64_t memory_total = 0;
  std::uint64_t memory_used = 0;
};

struct strata_backend {
  strata_device device;  // one device per backend
};

struct strata_buffer {
  strata_device* device = nullptr;
  std::byte* data = nullptr;
  std::uint64_t size = 0;
  bool owned = true;  // false for imported host memory (this sample imports none)
};

struct strata_queue {
  strata_device* device = nullptr;
};

struct strata_event {};  // work is done when submit returns, so an event has nothing to wait for

namespace sample {

// The host's table, saved by the entry point: statuses must be made by the host.
extern const strata_host_api* host;

// Thrown inside the plugin; entry points turn it into a status (see guarded()).
struct Failure : std::runtime_error {
  Failure(strata_status_code c, const std::string& message) : std::runtime_error(message), code(c) {}
  strata_status_code code;
};

// Runs `body`; any exception becomes a status, because none may cross the C boundary.
template <typename Body>
strata_status* guarded(Body&& body) noexcept {
  try {
    body();
    return nullptr;
  } catch (const Failure& failure) {
    return host->status_create(failure.code, failure.what());
  } catch (const std::bad_alloc&) {
    return host->status_create(STRATA_STATUS_OUT_OF_MEMORY, "sample: out of host memory");
  } catch (const std::exception& error) {
    return host->status_create(STRATA_STATUS_INTERNAL, error.what());
  } catch (...) {
    return host->status_create(STRATA_STATUS_INTERNAL, "sample: unknown error");
  }
}

std::size_t dtype_size(strata_dtype dtype);
std::int64_t element_count(const strata_tensor& tensor);

// Op rules (op_rules.cpp): an empty string when this device runs `op`, else why not.
// `unsupported` tells a refused kind or dtype apart from a malformed op.
std::string check_op(const strata_op& op, bool& unsupported);
// Throws Failure(INVALID_ARGUMENT) when a tensor of `op` does not fit in its buffer.
void check_buffers(const strata_op& op);

// The math (kernels.cpp), on host memory; `op` has passed check_op and check_buffers.
void run_op(const strata_op& op);

// Entry points, grouped by file.
strata_status* device_properties(strata_device* device, strata_device_properties* inout_props);
strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total);
strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out_supported);
strata_status* buffer_allocate(strata_device* device, uint64_t size, strata_buffer** out_buffer);
void buffer_free(strata_buffer* buffer);
void* buffer_host_pointer(strata_buffer* buffer);
strata_status* buffer_import_host(strata_device* device, void* host_memory, uint64_t size, strata_buffer** out_buffer);
strata_status* queue_create(strata_device* device, strata_queue** out_queue);
void queue_destroy(strata_queue* queue);
strata_status* queue_write(strata_queue* queue, strata_buffer* dst, uint64_t dst_offset, const void* src,
                           uint64_t size);
strata_status* queue_read(strata_queue* queue, strata_buffer* src, uint64_t src_offset, void* dst, uint64_t size);
strata_status* queue_copy(strata_queue* queue, strata_buffer* src, uint64_t src_offset, strata_buffer* dst,
                          uint64_t dst_offset, uint64_t size);
strata_status* queue_submit(strata_queue* queue, const strata_op* ops, uint32_t op_count);
strata_status* queue_finish(strata_queue* queue);
strata_status* event_record(strata_queue* queue, strata_event** out_event);
strata_status* queue_wait_event(strata_queue* queue, strata_event* event);
strata_status* event_synchronize(strata_event* event);
void event_release(strata_event* event);

}  // namespace sample
