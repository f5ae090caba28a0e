// Which devices a plan may use and how much of each: merges one GPU seen through two backends,
// applies max_memory (Hugging Face's semantics: only the devices it lists), computes budgets,
// fills in speeds a device does not report, and adds the "disk" tier.
#pragma once

#include <strata/device.hpp>
#include <strata/planner.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace strata::detail {

struct SelectedDevice {
  std::string name;
  DeviceKind kind = DeviceKind::cpu;
  bool offload = false;  // "cpu" tier (a CPU device) or "disk"
  bool disk = false;
  std::uint64_t budget = 0;
  double peak_flops = 0;
  double memory_bandwidth = 0;
  double host_link_bandwidth = 0;
};

struct DeviceSelection {
  std::vector<SelectedDevice> devices;  // accelerators in the given order, then CPUs, then disk
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, std::string>> left_out;  // name, why
};

DeviceSelection select_devices(const std::vector<DeviceInfo>& devices, const PlanOptions& options);

// The speeds assumed for a device that does not report its own.
double default_peak_flops(DeviceKind kind);
double default_memory_bandwidth(DeviceKind kind);
double default_host_link_bandwidth(DeviceKind kind);

}  // namespace strata::detail
