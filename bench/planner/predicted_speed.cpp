// Predicted time per token of `latency` against `balanced` for one request, and tokens/s of
// `throughput` against `balanced` with four micro-batches in flight, for real model shapes on
// mixed-speed device sets. Prints a Markdown table (docs/benchmarks.md). The figures are the
// planners' cost model, not runs.
//
//   strata-bench-planner-speed
#include "bench_setups.hpp"

#include <strata/error.hpp>
#include <strata/planner.hpp>

#include <fmt/format.h>

namespace {

using namespace strata;
using strata::bench::GpuSpec;

constexpr std::uint64_t GiB = 1ull << 30;

struct DeviceSet {
  const char* name;
  std::vector<GpuSpec> gpus;
  std::vector<Link> links;
};

}  // namespace

int main() {
  const std::vector<DeviceSet> sets{
      {"80 GiB @2000 GB/s + 24 GiB @600 GB/s", {{80 * GiB, 120, 2000, 25}, {24 * GiB, 30, 600, 16}}, {}},
      {"24 GiB @1000 + 12 GiB @450 + 8 GiB @250 GB/s",
       {{24 * GiB, 80, 1000, 25}, {12 * GiB, 30, 450, 16}, {8 * GiB, 15, 250, 8}},
       {}},
      {"2 x 24 GiB @900 (NVLink) + 2 x 16 GiB @300 (PCIe 3)",
       {{24 * GiB, 80, 900, 25}, {24 * GiB, 80, 900, 25}, {16 * GiB, 20, 300, 8}, {16 * GiB, 20, 300, 8}},
       {{"sim:0", "sim:1", 300e9}}},
  };
  const std::vector<const char*> models{"llama-2-7b", "llama-2-13b", "qwen2-7b", "llama-3-70b", "qwen2-72b"};

  fmt::print(
      "| model | devices (+ 64 GiB CPU, disk) | balanced ms/token | latency ms/token | speed-up | balanced "
      "tok/s, 4 micro-batches | throughput tok/s, 4 micro-batches | gain |\n");
  fmt::print("|---|---|---:|---:|---:|---:|---:|---:|\n");
  for (const char* model : models) {
    const ModelGraph graph = bench::config_model(model);
    for (const DeviceSet& set : sets) {
      PlanOptions options;
      options.workload.context_length = 4096;
      options.links = set.links;
      const std::vector<DeviceInfo> devices = bench::device_set(set.gpus, 64 * GiB);
      try {
        const PlanReport balanced = plan(graph, devices, "balanced", options).report;
        const PlanReport latency = plan(graph, devices, "latency", options).report;
        PlanOptions pipelined = options;
        pipelined.workload.micro_batches = 4;
        const PlanReport balanced_4 = plan(graph, devices, "balanced", pipelined).report;
        const PlanReport throughput_4 = plan(graph, devices, "throughput", pipelined).report;
        fmt::print("| {} | {} | {:.2f} | {:.2f} | {:.2f}x | {:.3g} | {:.3g} | {:.2f}x |\n", model, set.name,
                   balanced.latency_ms, latency.latency_ms, balanced.latency_ms / latency.latency_ms,
                   balanced_4.tokens_per_second, throughput_4.tokens_per_second,
                   throughput_4.tokens_per_second / balanced_4.tokens_per_second);
      } catch (const Error& error) {
        fmt::print("| {} | {} | {} |\n", model, set.name, error.what());
      }
    }
  }
  return 0;
}
