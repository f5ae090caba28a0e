// What the device says about itself, and which ops it runs.
//
// Built against backend.h 1.1 it fills the fields 1.1 added; built against a 1.0 header (an older
// SDK) the #if leaves them out, and the host infers them (tests/plugins builds it that way).
#include "sample.hpp"

#include <algorithm>
#include <cstring>

namespace sample {

strata_status* device_properties(strata_device* device, strata_device_properties* inout_props) {
  return guarded([&] {
    strata_device_properties p{};
    p.kind = STRATA_DEVICE_CPU;
    std::strncpy(p.name, "Strata sample reference device (single thread)", sizeof p.name - 1);
    std::strncpy(p.stable_id, "sample-0", sizeof p.stable_id - 1);
    p.dtypes = STRATA_DTYPE_BIT(STRATA_DTYPE_F32) | STRATA_DTYPE_BIT(STRATA_DTYPE_I32);
    p.caps = STRATA_CAP_EVENTS | STRATA_CAP_HOST_VISIBLE | STRATA_CAP_UNIFIED_MEMORY;
    {
      const std::lock_guard lock(device->mutex);
      p.memory_total = device->memory_total;
      p.memory_free = device->memory_total - device->memory_used;
    }
    // Speeds: 0 = not reported. Do not guess: the SDK measures every device through this
    // interface and plans with what it measured (a simulator whose figures are exact would set
    // STRATA_CAP_EXACT_SPEEDS and report them instead).
    p.peak_flops = 0;
    p.memory_bandwidth = 0;
    p.host_link_bandwidth = 0;
#if STRATA_BACKEND_ABI_MINOR >= 1
    // ABI 1.1. The SDK keys its cached measurements by the driver: name the code that runs, and
    // change the text when its speed may change. This device computes on one of the host's
    // cores, in host memory: planners must not count it as a device of its own beside "cpu".
    std::strncpy(p.driver_version, "sample reference kernels 1.0", sizeof p.driver_version - 1);
    p.sharing = STRATA_SHARING_HOST_CORES;
#endif
    // The caller says how much of the struct it knows: an older host has a shorter one. Write
    // only that much, and leave its struct_size as it was.
    const std::uint32_t caller_size = inout_props->struct_size;
    p.struct_size = caller_size;
    std::memcpy(inout_props, &p, std::min<std::size_t>(caller_size, sizeof p));
  });
}

strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total) {
  const std::lock_guard lock(device->mutex);
  *out_free = device->memory_total - device->memory_used;
  *out_total = device->memory_total;
  return nullptr;
}

strata_status* device_supports_op(strata_device*, const strata_op* op, int32_t* out_supported) {
  return guarded([&] {
    bool unsupported = false;
    *out_supported = check_op(*op, unsupported).empty() ? 1 : 0;  // "no" is an answer, not an error
  });
}

}  // namespace sample
