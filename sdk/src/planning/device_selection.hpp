// Which devices a plan may use and how much of each: merges one GPU seen through two backends,
// applies max_memory (Hugging Face's semantics: only the devices it lists), computes budgets,
// keeps one device of the host's cores for planners that do not choose among them, and adds the
// "disk" tier.
#pragma once

#include <strata/device.hpp>
#include <strata/planner.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace strata::detail {

struct SelectedDevice {
  DeviceInfo info;       // as given; for "disk", the CPU's that computes its units (named "disk")
  bool offload = false;  // "cpu" tier (a CPU device) or "disk"
  bool disk = false;
  // Holds the disk units' KV cache and workspace but runs no unit: the CPU when max_memory leaves
  // it out but the disk tier is in use.
  bool memory_only = false;
  std::uint64_t budget = 0;

  const std::string& name() const { return info.name; }
  bool shares_host_cores() const { return !disk && info.shares_host_cores(); }
};

struct DeviceSelection {
  std::vector<SelectedDevice> devices;  // accelerators in the given order, then CPUs, then disk
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, std::string>> left_out;  // name, why
};

// `one_host_device`: of the devices that run on the host's cores, keep only the CPU device (or
// the first of them), for planners that do not choose among them themselves.
DeviceSelection select_devices(const std::vector<DeviceInfo>& devices, const PlanOptions& options,
                               bool one_host_device);

}  // namespace strata::detail
