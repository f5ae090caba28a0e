// The simulated devices a STRATA_SIM_DEVICES file describes:
//
//   {"devices": [{"name": "24 GiB GPU", "kind": "gpu", "memory_gib": 24, "tflops": 80,
//                 "memory_gbps": 900, "link_gbps": 25, "count": 4}],
//    "links": [{"between": ["sim:0", "sim:1"], "gbps": 300}]}
//
// "kind" is gpu (default), igpu, accel or cpu; "count" repeats an entry; "pci_bus_id" makes a
// device claim a physical identity.
// "tflops", "memory_gbps" and "link_gbps" come all three or not at all. With them, the device
// reports STRATA_CAP_EXACT_SPEEDS: the figures describe the device it simulates, and the SDK
// plans with them as given instead of measuring the CPU kernels the simulation computes with.
// Without them the device is measured like any other.
// "shares" says what the device shares with the host (backend.h's strata_device_sharing):
// "none" (the default: "4 x 24 GiB GPUs" stay four independent devices), "host_memory" (an
// integrated GPU) or "host_cores" (it computes on the host's CPU cores). A "cpu" entry runs on
// the host's cores: it defaults to "host_cores" and may not say "none".
// "links" (direct links between devices) and "host" (the CPU's memory_gib, tflops and
// memory_gbps, for what-if plans) are read by `strata plan`; the backend ignores them.
#pragma once

#include <strata/backend.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strata_sim {

struct DeviceSpec {
  std::string description;  // "name" in the file
  strata_device_kind kind = STRATA_DEVICE_GPU;
  std::uint64_t memory = 0;        // bytes
  double peak_flops = 0;           // FLOP/s
  double memory_bandwidth = 0;     // bytes/s
  double host_link_bandwidth = 0;  // bytes/s
  bool exact_speeds = false;       // the entry gives all three speed figures
  strata_device_sharing sharing = STRATA_SHARING_NONE;
  std::string pci_bus_id;
};

// Throws strata_plugin::Error(INVALID_ARGUMENT) naming the entry and the field; the JSON is read
// strictly (strata_safe_io/bounded_json.hpp: no key given twice, bounded nesting).
std::vector<DeviceSpec> parse_devices(std::string_view json);

// STRATA_SIM_DEVICES names a file, or holds the JSON itself when it starts with '{'. Unset or
// empty: no devices. Throws like parse_devices, or UNAVAILABLE when the file cannot be read or is
// no regular file of at most 1 MiB.
std::vector<DeviceSpec> devices_from_environment();

inline constexpr const char* environment_variable = "STRATA_SIM_DEVICES";

}  // namespace strata_sim
