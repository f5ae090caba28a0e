// Backend entries: one device, the host CPU, described from /proc and the libraries it runs.
#include <strata_cpu/code_identity.hpp>

#include <strata_plugin/host.hpp>

#include "cpu_device.hpp"
#include "entries.hpp"
#include "host_system.hpp"

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
  // No speed figures (0 = unknown): the SDK measures the device through this interface, the
  // same way as any other, and caches the figures (keyed by driver_version below).
  p.peak_flops = 0;
  p.memory_bandwidth = 0;
  p.host_link_bandwidth = 0;
  copy_text(p.driver_version, sizeof(p.driver_version), strata_cpu::code_identity());
  p.sharing = STRATA_SHARING_HOST_CORES;
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

}  // namespace strata_cpu_plugin
