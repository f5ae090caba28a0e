#include "bench_setups.hpp"

#include <strata/model.hpp>

#include <fmt/format.h>

namespace strata::bench {

ModelGraph config_model(const std::string& name) {
  return build_model_graph(read_model_config(std::string(STRATA_BENCH_CONFIGS) + "/" + name + "/config.json"));
}

ModelGraph synthetic_model(int layers, std::uint64_t layer_bytes) {
  ModelGraph graph;
  graph.config.max_position_embeddings = 4096;
  auto add = [&](std::string name, UnitKind kind, std::uint64_t bytes, std::uint64_t kv) {
    Unit unit;
    unit.name = std::move(name);
    unit.kind = kind;
    unit.parameters.push_back({unit.name + ".weight", DType::f16, Shape{static_cast<std::int64_t>(bytes / 2)}});
    unit.flops_per_token = static_cast<double>(bytes);  // one multiply-add per f16 weight
    unit.weight_bytes_read_per_token = bytes;
    unit.activation_bytes = 4096 * 4;
    unit.kv_bytes_per_token = kv;
    graph.units.push_back(std::move(unit));
  };
  add("model.embed_tokens", UnitKind::embedding, layer_bytes / 2, 0);
  for (int layer = 0; layer < layers; ++layer)
    add(fmt::format("model.layers.{}", layer), UnitKind::decoder_layer, layer_bytes, 8192);
  add("model.norm", UnitKind::final_norm, 8192, 0);
  add("lm_head", UnitKind::lm_head, layer_bytes / 2, 0);
  graph.units.front().weight_bytes_read_per_token = 8192;
  return graph;
}

std::vector<DeviceInfo> device_set(const std::vector<GpuSpec>& gpus, std::uint64_t host_memory) {
  std::vector<DeviceInfo> devices;
  for (std::size_t g = 0; g < gpus.size(); ++g) {
    DeviceInfo info;
    info.name = fmt::format("sim:{}", g);
    info.backend = "sim";
    info.kind = DeviceKind::gpu;
    info.memory_total = info.memory_free = gpus[g].memory;
    info.peak_flops = gpus[g].tflops * 1e12;
    info.memory_bandwidth = gpus[g].memory_gbps * 1e9;
    info.host_link_bandwidth = gpus[g].link_gbps * 1e9;
    info.caps.exact_speeds = true;  // described devices: their figures are the truth
    devices.push_back(info);
  }
  DeviceInfo cpu;
  cpu.name = "cpu";
  cpu.backend = "cpu";
  cpu.kind = DeviceKind::cpu;
  cpu.memory_total = cpu.memory_free = host_memory;
  cpu.peak_flops = 1e12;
  cpu.memory_bandwidth = 60e9;
  cpu.caps.exact_speeds = true;
  cpu.sharing = DeviceSharing::host_cores;
  devices.push_back(cpu);
  return devices;
}

}  // namespace strata::bench
