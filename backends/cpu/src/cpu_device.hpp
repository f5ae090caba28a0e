// The cpu plugin's device and backend; buffers, queues and events are strata::host_plugin's.
#pragma once

#include <strata_host_plugin/objects.hpp>

namespace strata_cpu_plugin {

// The host CPU: its memory is what /proc/meminfo reports, taken 64-byte aligned (2 MiB with
// transparent huge pages for large buffers).
struct CpuDevice final : strata_device {
  strata_host_plugin::Memory current_memory() override;
  std::byte* allocate(std::uint64_t size) override;
  void released(std::uint64_t) override {}
};

}  // namespace strata_cpu_plugin

// One started backend: the CPU is a single device.
struct strata_backend {
  strata_cpu_plugin::CpuDevice device;
};
