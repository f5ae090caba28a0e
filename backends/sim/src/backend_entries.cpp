// Backend and device entries: the devices of STRATA_SIM_DEVICES, as named there.
#include "entries.hpp"
#include "sim_device.hpp"

#include <strata_plugin/host.hpp>

#include <memory>
#include <vector>

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
      auto device = std::make_unique<SimDevice>();
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

}  // namespace strata_sim
