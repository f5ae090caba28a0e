// What the device says about itself, and which ops it runs.
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
    p.peak_flops = 1e9;  // a guess; the SDK can calibrate by measurement
    p.memory_bandwidth = 5e9;
    p.host_link_bandwidth = 5e9;
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
