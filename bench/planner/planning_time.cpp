// How long planning takes: a real 80-layer model on 8 devices, and 1,000 units on 16 devices
// (two kinds of GPU, or 14 all different, where the exact search keeps the devices' order).
// `throughput_m4` plans for 4 micro-batches in flight, where the search bisects on max(L, m*B).
//
//   strata-bench-planner [--benchmark_filter=...]
#include "bench_setups.hpp"

#include <strata/planner.hpp>

#include <benchmark/benchmark.h>

namespace {

using namespace strata;
using strata::bench::GpuSpec;

constexpr std::uint64_t GiB = 1ull << 30;

struct Setup {
  ModelGraph graph;
  std::vector<DeviceInfo> devices;
};

// Llama-3-70B (83 units) on 6 GPUs (3 fast 48 GiB, 3 slow 24 GiB) + cpu + disk: 8 devices.
const Setup& model_80_on_8() {
  static const Setup setup{bench::config_model("llama-3-70b"), bench::device_set({{48 * GiB, 90, 1800, 25},
                                                                                  {48 * GiB, 90, 1800, 25},
                                                                                  {48 * GiB, 90, 1800, 25},
                                                                                  {24 * GiB, 30, 600, 16},
                                                                                  {24 * GiB, 30, 600, 16},
                                                                                  {24 * GiB, 30, 600, 16}},
                                                                                 256 * GiB)};
  return setup;
}

// 1,000 units of 200 MiB (~200 GB) on 14 GPUs of two kinds + cpu + disk: 16 devices.
const Setup& units_1000_on_16_two_kinds() {
  std::vector<GpuSpec> gpus;
  for (int g = 0; g < 14; ++g) gpus.push_back(g < 7 ? GpuSpec{24 * GiB, 80, 1000, 25} : GpuSpec{12 * GiB, 20, 400, 16});
  static const Setup setup{bench::synthetic_model(998, 200ull << 20), bench::device_set(gpus, 128 * GiB)};
  return setup;
}

// The same with 14 GPUs all different.
const Setup& units_1000_on_16_all_different() {
  std::vector<GpuSpec> gpus;
  for (int g = 0; g < 14; ++g)
    gpus.push_back(GpuSpec{static_cast<std::uint64_t>(8 + g) * GiB, 10.0 + 5 * g, 300.0 + 50 * g, 16});
  static const Setup setup{bench::synthetic_model(998, 200ull << 20), bench::device_set(gpus, 128 * GiB)};
  return setup;
}

void run(benchmark::State& state, const Setup& setup, const char* strategy, int micro_batches) {
  PlanOptions options;
  options.workload.context_length = 4096;
  options.workload.micro_batches = micro_batches;
  for (auto _ : state) {
    PlanResult result = plan(setup.graph, setup.devices, strategy, options);
    benchmark::DoNotOptimize(result);
  }
  state.counters["units"] = static_cast<double>(setup.graph.units.size());
  state.counters["devices"] = static_cast<double>(setup.devices.size() + 1);  // + disk
}

}  // namespace

#define STRATA_PLAN_BENCH(setup, strategy) \
  BENCHMARK_CAPTURE(run, setup##_##strategy, setup(), #strategy, 1)->Unit(benchmark::kMillisecond);
#define STRATA_PLAN_BENCH_MICRO(setup, micro_batches)                                               \
  BENCHMARK_CAPTURE(run, setup##_throughput_m##micro_batches, setup(), "throughput", micro_batches) \
      ->Unit(benchmark::kMillisecond);

STRATA_PLAN_BENCH(model_80_on_8, sequential)
STRATA_PLAN_BENCH(model_80_on_8, balanced)
STRATA_PLAN_BENCH(model_80_on_8, latency)
STRATA_PLAN_BENCH(model_80_on_8, throughput)
STRATA_PLAN_BENCH_MICRO(model_80_on_8, 4)
STRATA_PLAN_BENCH(units_1000_on_16_two_kinds, sequential)
STRATA_PLAN_BENCH(units_1000_on_16_two_kinds, balanced)
STRATA_PLAN_BENCH(units_1000_on_16_two_kinds, latency)
STRATA_PLAN_BENCH(units_1000_on_16_two_kinds, throughput)
STRATA_PLAN_BENCH_MICRO(units_1000_on_16_two_kinds, 4)
STRATA_PLAN_BENCH(units_1000_on_16_all_different, latency)
STRATA_PLAN_BENCH(units_1000_on_16_all_different, throughput)
STRATA_PLAN_BENCH_MICRO(units_1000_on_16_all_different, 4)

BENCHMARK_MAIN();
