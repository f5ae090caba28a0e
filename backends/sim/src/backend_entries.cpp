// Backend and device entries: the devices of STRATA_SIM_DEVICES, as named there.
#include "entries.hpp"
#include "objects.hpp"

#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include <algorithm>
#include <cstring>

namespace strata_sim {

strata_status* probe(uint32_t* out_device_count) {
  return strata_plugin::guard([&] {
    if (out_device_count == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: out_device_count is null");
    const std::vector<DeviceSpec> devices = devices_from_environment();
    if (devices.empty())
      strata_plugin::fail(STRATA_STATUS_UNAVAILABLE, "sim: no simulated devices ({} is not set)", environment_variable);
    *out_device_count = static_cast<uint32_t>(devices.size());
  });
}

strata_status* backend_create(strata_backend** out_backend) {
  return strata_plugin::guard([&] {
    if (out_backend == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: out_backend is null");
    auto backend = std::make_unique<strata_backend>();
    const std::vector<DeviceSpec> specs = devices_from_environment();
    for (std::size_t i = 0; i < specs.size(); ++i) {
      auto device = std::make_unique<strata_device>();
      device->backend = backend.get();
      device->spec = specs[i];
      device->properties = describe(specs[i], static_cast<uint32_t>(i));
      backend->devices.push_back(std::move(device));
    }
    *out_backend = backend.release();
  });
}

void backend_destroy(strata_backend* backend) { delete backend; }

strata_status* device_count(strata_backend* backend, uint32_t* out_count) {
  return strata_plugin::guard([&] {
    if (backend == nullptr || out_count == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: device_count needs a backend and an output");
    *out_count = static_cast<uint32_t>(backend->devices.size());
  });
}

strata_status* device_get(strata_backend* backend, uint32_t index, strata_device** out_device) {
  return strata_plugin::guard([&] {
    if (backend == nullptr || out_device == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: device_get needs a backend and an output");
    if (index >= backend->devices.size())
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: device index {} (there are {})", index,
                          backend->devices.size());
    *out_device = backend->devices[index].get();
  });
}

strata_status* device_properties(strata_device* device, strata_device_properties* inout_props) {
  return strata_plugin::guard([&] {
    strata_device& d = checked(device);
    if (inout_props == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: properties output is null");
    strata_device_properties current = d.properties;
    {
      const std::lock_guard lock(d.mutex);
      current.memory_free = d.spec.memory - d.allocated;
    }
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
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: device_memory outputs are null");
    const std::lock_guard lock(d.mutex);
    *out_free = d.spec.memory - d.allocated;  // exact: the limit minus live buffers
    *out_total = d.spec.memory;
  });
}

strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out_supported) {
  return strata_plugin::guard([&] {
    checked(device);
    if (op == nullptr || out_supported == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "sim: supports_op needs an op and an output");
    int32_t supported = 1;
    try {
      strata_plugin::validate_op(*op, false);
    } catch (const strata_plugin::Error&) {
      supported = 0;
    }
    *out_supported = supported;
  });
}

}  // namespace strata_sim
