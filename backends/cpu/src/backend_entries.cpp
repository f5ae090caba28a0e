// Backend and device entries: one device, the host CPU, described from /proc and the
// calibration.
#include <strata_plugin/dtype.hpp>
#include <strata_plugin/host.hpp>
#include <strata_plugin/op_check.hpp>

#include "calibration.hpp"
#include "entries.hpp"
#include "host_system.hpp"
#include "objects.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace strata_cpu_plugin {
namespace {

void copy_text(char* dst, std::size_t capacity, const std::string& text) {
  const std::size_t n = std::min(capacity - 1, text.size());
  std::memcpy(dst, text.data(), n);
  dst[n] = '\0';
}

strata_device_properties describe_cpu() {
  strata_device_properties p{};
  p.struct_size = sizeof(p);
  p.kind = STRATA_DEVICE_CPU;
  copy_text(p.name, sizeof(p.name), cpu_model_name());
  copy_text(p.stable_id, sizeof(p.stable_id), "cpu");
  p.dtypes = STRATA_DTYPE_BIT(STRATA_DTYPE_F32) | STRATA_DTYPE_BIT(STRATA_DTYPE_F16) |
             STRATA_DTYPE_BIT(STRATA_DTYPE_BF16) | STRATA_DTYPE_BIT(STRATA_DTYPE_I32);
  p.caps = STRATA_CAP_HOST_VISIBLE | STRATA_CAP_UNIFIED_MEMORY | STRATA_CAP_IMPORT_HOST | STRATA_CAP_EVENTS;
  const HostMemory memory = host_memory();
  p.memory_total = memory.total.value_or(STRATA_MEMORY_UNKNOWN);
  p.memory_free = memory.available.value_or(STRATA_MEMORY_UNKNOWN);
  const SpeedProfile& speed = speed_profile();
  p.peak_flops = speed.peak_flops;
  p.memory_bandwidth = speed.memory_bandwidth;
  // Host <-> "device" transfers are memcpy within the same memory: every byte is read and
  // written once, so about half the streaming bandwidth.
  p.host_link_bandwidth = speed.memory_bandwidth / 2;
  return p;
}

}  // namespace

strata_status* probe(uint32_t* out_device_count) {
  return strata_plugin::guard([&] {
    if (out_device_count == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: out_device_count is null");
    *out_device_count = 1;
  });
}

strata_status* backend_create(strata_backend** out_backend) {
  return strata_plugin::guard([&] {
    if (out_backend == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: out_backend is null");
    auto backend = std::make_unique<strata_backend>();
    backend->device.backend = backend.get();
    backend->device.properties = describe_cpu();
    *out_backend = backend.release();
  });
}

void backend_destroy(strata_backend* backend) { delete backend; }

strata_status* device_count(strata_backend* backend, uint32_t* out_count) {
  return strata_plugin::guard([&] {
    if (backend == nullptr || out_count == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: device_count needs a backend and an output");
    *out_count = 1;
  });
}

strata_status* device_get(strata_backend* backend, uint32_t index, strata_device** out_device) {
  return strata_plugin::guard([&] {
    if (backend == nullptr || out_device == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: device_get needs a backend and an output");
    if (index != 0) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: device index {} (only 0 exists)", index);
    *out_device = &backend->device;
  });
}

strata_status* device_properties(strata_device* device, strata_device_properties* inout_props) {
  return strata_plugin::guard([&] {
    const strata_device& d = checked(device);
    if (inout_props == nullptr) strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: properties output is null");
    strata_device_properties current = d.properties;
    const HostMemory memory = host_memory();
    current.memory_free = memory.available.value_or(STRATA_MEMORY_UNKNOWN);
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
    checked(device);
    if (out_free == nullptr || out_total == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: device_memory outputs are null");
    const HostMemory memory = host_memory();
    *out_free = memory.available.value_or(STRATA_MEMORY_UNKNOWN);
    *out_total = memory.total.value_or(STRATA_MEMORY_UNKNOWN);
  });
}

strata_status* device_supports_op(strata_device* device, const strata_op* op, int32_t* out_supported) {
  return strata_plugin::guard([&] {
    checked(device);
    if (op == nullptr || out_supported == nullptr)
      strata_plugin::fail(STRATA_STATUS_INVALID_ARGUMENT, "cpu: supports_op needs an op and an output");
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

}  // namespace strata_cpu_plugin
