// Which devices a plan may use and how much of each: applies max_memory (Hugging Face's
// semantics: only the devices it lists), computes budgets, groups the views of one piece of
// hardware (the host's cores: cpu, PoCL, lavapipe; one GPU through OpenCL and Vulkan), keeps one
// view of each for planners that do not choose among them, and adds the "disk" tier.
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
  std::uint32_t hardware = UINT32_MAX;  // index into DeviceSelection::hardware_names, or none

  const std::string& name() const { return info.name; }
};

struct DeviceSelection {
  std::vector<SelectedDevice> devices;  // accelerators in the given order, then CPUs, then disk
  std::vector<std::string> notes;
  std::vector<std::pair<std::string, std::string>> left_out;  // name, why
  std::vector<std::string> hardware_names;                    // "the host's cores", "pci:0000:65:00.0"
};

// `one_view`: of the views of one piece of hardware keep one (the CPU device of the host's cores,
// the fastest measured view of a GPU), for planners that do not choose among them themselves.
DeviceSelection select_devices(const std::vector<DeviceInfo>& devices, const PlanOptions& options, bool one_view);

}  // namespace strata::detail
