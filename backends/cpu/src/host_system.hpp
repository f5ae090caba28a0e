// What Linux says about the machine: the CPU's name and the memory it has.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace strata_cpu_plugin {

// /proc/cpuinfo's "model name" (x86), else its "Hardware" or "CPU part" line, else "CPU".
std::string cpu_model_name();

struct HostMemory {
  std::optional<std::uint64_t> total;      // MemTotal
  std::optional<std::uint64_t> available;  // MemAvailable: what can be allocated without swapping
};
HostMemory host_memory();

}  // namespace strata_cpu_plugin
