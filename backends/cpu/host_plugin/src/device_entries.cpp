// The device entries that only read a device: its properties with the current free memory,
// its memory, and which ops it runs (every valid op: the kernels cover the whole op set).
#include <strata_host_plugin/entries.hpp>
#include <strata_host_plugin/objects.hpp>

#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include <algorithm>
#include <cstring>

namespace strata_host_plugin {

strata_status* device_properties(strata_device* device, strata_device_properties* inout_props) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if (inout_props == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: properties output is null", plugin_name);
    strata_device_properties current = d.properties;
    current.memory_free = d.current_memory().free;
    // Only the fields the caller's struct has room for; its struct_size stays as it was.
    const std::size_t size = std::min<std::size_t>(inout_props->struct_size, sizeof(current));
    const std::size_t skip = sizeof(current.struct_size);
    if (size > skip)
      std::memcpy(reinterpret_cast<char*>(inout_props) + skip, reinterpret_cast<const char*>(&current) + skip,
                  size - skip);
  });
}

strata_status* device_memory(strata_device* device, uint64_t* out_free, uint64_t* out_total) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if (out_free == nullptr || out_total == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: device_memory outputs are null", plugin_name);
    const Memory memory = d.current_memory();
    *out_free = memory.free;
    *out_total = memory.total;
  });
}

strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out_supported) {
  return strata_plugin::guard([&] {
    checked(device);
    if (op == nullptr || out_supported == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "{}: supports_op needs an op and an output", plugin_name);
    // The kernels run every valid op of the op set, in every dtype combination it allows.
    int32_t supported = 1;
    try {
      strata_plugin::validate_op(*op, false);
    } catch (const strata_plugin::Error&) {
      supported = 0;
    }
    *out_supported = supported;
  });
}

}  // namespace strata_host_plugin
