// The runtime's devices through the C API: names, kinds, memory, what each stores and does.
#include "c_api/handles.hpp"
#include "c_api/status.hpp"
#include "c_api/versioned.hpp"

#include <strata/strata.h>

#include <fmt/format.h>

namespace strata::c_api {
namespace {

constexpr std::size_t device_info_size_1_0 = 80;

const Device& device_at(const strata_runtime& runtime, std::size_t index) {
  const std::vector<Device>& devices = runtime.runtime.devices();
  if (index >= devices.size())
    throw ArgumentError(fmt::format("device {} does not exist; the runtime has {}", index, devices.size()));
  return devices[index];
}

strata_device_caps caps_bits(const DeviceCaps& caps) {
  strata_device_caps bits = 0;
  if (caps.async) bits |= STRATA_CAP_ASYNC;
  if (caps.events) bits |= STRATA_CAP_EVENTS;
  if (caps.host_visible) bits |= STRATA_CAP_HOST_VISIBLE;
  if (caps.unified_memory) bits |= STRATA_CAP_UNIFIED_MEMORY;
  if (caps.import_host) bits |= STRATA_CAP_IMPORT_HOST;
  if (caps.exact_speeds) bits |= STRATA_CAP_EXACT_SPEEDS;
  return bits;
}

std::uint64_t bytes_or_unknown(const std::optional<std::uint64_t>& bytes) {
  return bytes.value_or(STRATA_MEMORY_UNKNOWN);
}

}  // namespace
}  // namespace strata::c_api

using namespace strata::c_api;

extern "C" {

size_t strata_runtime_device_count(const strata_runtime* runtime) {
  return runtime == nullptr ? 0 : runtime->runtime.devices().size();
}

strata_status_code strata_runtime_device_info(const strata_runtime* runtime, size_t index,
                                              strata_device_info* inout_info) {
  return guarded("strata_runtime_device_info", [&] {
    // DeviceInfo lives in the device's shared state: its strings stay put as long as the runtime.
    const strata::DeviceInfo& device = device_at(required(runtime, "runtime"), index).info();
    strata_device_info info{};
    info.kind = static_cast<strata_device_kind>(device.kind);
    info.name = device.name.c_str();
    info.backend = device.backend.c_str();
    info.description = device.description.c_str();
    info.driver = device.driver.c_str();
    info.stable_id = device.stable_id.c_str();
    info.memory_total = bytes_or_unknown(device.memory_total);
    info.memory_free = bytes_or_unknown(device.memory_free);
    info.sharing = static_cast<strata_device_sharing>(device.sharing);
    for (strata::DType dtype : device.dtypes) info.dtypes |= STRATA_DTYPE_BIT(static_cast<strata_dtype>(dtype));
    info.caps = caps_bits(device.caps);
    info.measured = device.measured ? 1 : 0;
    write_info(info, inout_info, device_info_size_1_0, "inout_info");
  });
}

strata_status_code strata_runtime_find_device(const strata_runtime* runtime, const char* name, size_t* out_index) {
  return guarded("strata_runtime_find_device", [&] {
    const strata_runtime& handle = required(runtime, "runtime");
    size_t& index = required(out_index, "out_index");
    // Throws for an unknown name, listing the devices and any plugin skipped that would have had it.
    const strata::Device device = handle.runtime.device(required_text(name, "name"));
    const std::vector<strata::Device>& devices = handle.runtime.devices();
    for (std::size_t i = 0; i < devices.size(); ++i)
      if (devices[i] == device) index = i;
  });
}

strata_status_code strata_runtime_device_memory(const strata_runtime* runtime, size_t index, uint64_t* out_free,
                                                uint64_t* out_total) {
  return guarded("strata_runtime_device_memory", [&] {
    const strata::MemoryInfo memory = device_at(required(runtime, "runtime"), index).memory();
    if (out_free != nullptr) *out_free = bytes_or_unknown(memory.free);
    if (out_total != nullptr) *out_total = bytes_or_unknown(memory.total);
  });
}

const char* strata_device_kind_name(strata_device_kind kind) {
  return strata::to_string(static_cast<strata::DeviceKind>(kind)).data();
}

}  // extern "C"
