// The sim plugin's devices and backend; buffers, queues and events are strata::host_plugin's.
// A simulated device owns a memory limit and counts what its buffers take; the memory itself
// is host memory.
#pragma once

#include "../spec/device_spec.hpp"

#include <strata_host_plugin/objects.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace strata_sim {

struct SimDevice final : strata_device {
  // Exact: the limit minus live buffers.
  strata_host_plugin::Memory current_memory() override;
  // Counted against the limit before it is taken, so an allocation past the limit fails with
  // OUT_OF_MEMORY exactly as a full GPU's would.
  std::byte* allocate(std::uint64_t size) override;
  void released(std::uint64_t size) override;

  DeviceSpec spec;
  std::mutex mutex;
  std::uint64_t allocated = 0;  // bytes of its live buffers, never above spec.memory
};

// The properties a spec describes, for device `index` ("sim:<index>").
strata_device_properties describe(const DeviceSpec& spec, std::uint32_t index);

}  // namespace strata_sim

struct strata_backend {
  std::vector<std::unique_ptr<strata_sim::SimDevice>> devices;
};
