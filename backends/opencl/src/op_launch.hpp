// From a strata_op to OpenCL kernel launches on a queue.
#pragma once

#include <strata/backend.h>

namespace strata_opencl {

class Device;
class Queue;

// The op-set rules (strata_plugin::validate_op), then this device's own limits: throws
// INVALID_ARGUMENT or UNSUPPORTED.
void check_op_shape(const strata_op& op, const Device& device);
// check_op_shape plus the buffers: present, of this device, large enough.
void check_op_for_device(const strata_op& op, const Device& device);

// Enqueues the op (already checked) on the queue without waiting.
void launch_op(Queue& queue, const strata_op& op);

}  // namespace strata_opencl
