// Models and device sets the planner benchmarks share.
#pragma once

#include <strata/device.hpp>
#include <strata/model_graph.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace strata::bench {

// A model of the published config in tests/data/configs ("llama-3-70b", ...).
ModelGraph config_model(const std::string& name);

// `layers` decoder-like units of `layer_bytes` each, between an embedding and an lm_head.
ModelGraph synthetic_model(int layers, std::uint64_t layer_bytes);

struct GpuSpec {
  std::uint64_t memory;
  double tflops;
  double memory_gbps;
  double link_gbps;
};

// Devices named sim:0.. in order, plus a CPU of `host_memory`.
std::vector<DeviceInfo> device_set(const std::vector<GpuSpec>& gpus, std::uint64_t host_memory);

}  // namespace strata::bench
