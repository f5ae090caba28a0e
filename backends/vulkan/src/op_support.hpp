// Which ops this device runs: every op of the op set, within the device's binding and dispatch
// limits. Shape and dtype rules come from strata_plugin::validate_op, never from here.
#pragma once

#include "device.hpp"

#include <strata/backend.h>

#include <string>

namespace strata_vulkan {

// Why the device cannot run `op` as described (no buffers needed), or "" when it can. Assumes
// validate_op has accepted the op.
std::string unsupported_reason(const Device& device, const strata_op& op);

// Everything queue_submit checks before it records anything: the op-set rules, buffers of this
// device, tensors inside their buffers, device limits. Throws strata_plugin::Error.
void check_op_for_submit(const Device& device, const strata_op& op);

}  // namespace strata_vulkan
