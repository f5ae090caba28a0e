// Plans for real model shapes from config.json alone (Llama-2-7B/13B, Llama-3-70B,
// Qwen2-7B/72B) on the device sets people have: every plan fits its budgets with the KV cache
// of the stated context, and no strategy leaves an accelerator with room while offloading.
#include "planning_fixtures.hpp"

#include <strata/error.hpp>
#include <strata/model.hpp>
#include <strata/planner.hpp>

#include <gtest/gtest.h>

#include <limits>

#include <filesystem>
#include <numeric>

namespace strata {
namespace {

using testing::GiB;

struct DeviceSet {
  const char* name;
  std::vector<std::uint64_t> gpu_memory;
};

const std::vector<DeviceSet>& device_sets() {
  static const std::vector<DeviceSet> sets{
      {"2 x 24 GiB", {24 * GiB, 24 * GiB}},
      {"4 x 24 GiB", {24 * GiB, 24 * GiB, 24 * GiB, 24 * GiB}},
      {"24 + 12 + 8 GiB", {24 * GiB, 12 * GiB, 8 * GiB}},
      {"8 x 80 GiB", std::vector<std::uint64_t>(8, 80 * GiB)},
  };
  return sets;
}

std::vector<DeviceInfo> devices_of(const DeviceSet& set) {
  std::vector<DeviceInfo> devices;
  for (std::size_t g = 0; g < set.gpu_memory.size(); ++g)
    devices.push_back(testing::gpu("sim:" + std::to_string(g), set.gpu_memory[g], 60e12, 900e9, 25e9));
  devices.push_back(testing::cpu(64 * GiB, 1e12, 80e9));
  return devices;
}

ModelGraph load(const char* model) {
  return build_model_graph(read_model_config(std::filesystem::path(STRATA_TEST_CONFIGS) / model / "config.json"));
}

class RealShapes : public ::testing::TestWithParam<const char*> {};

TEST_P(RealShapes, EveryStrategyFitsItsBudgetsWithTheKvCacheAndOffloadsOnlyWhenFull) {
  const ModelGraph graph = load(GetParam());
  const std::uint64_t kv_per_token = graph.kv_bytes_per_token();
  for (const DeviceSet& set : device_sets()) {
    for (const std::int64_t context : {std::int64_t{4096}, std::int64_t{8192}}) {
      PlanOptions options;
      options.workload.context_length = std::min<std::int64_t>(context, graph.config.context_limit());
      options.workload.batch_size = 2;
      double fastest_by_memory = std::numeric_limits<double>::infinity();
      for (const char* strategy : {"sequential", "balanced", "balanced_low_0", "latency", "throughput"}) {
        SCOPED_TRACE(::testing::Message()
                     << GetParam() << " on " << set.name << ", context " << context << ", " << strategy);
        const PlanResult result = plan(graph, devices_of(set), strategy, options);
        ASSERT_EQ(result.targets.size(), graph.units.size());
        EXPECT_EQ(testing::over_budget(result, graph), "");
        const std::string_view name = strategy;
        if (name == "latency") {
          // Placed by speed over every device: at least as fast as any memory-driven plan.
          EXPECT_LE(result.report.latency_ms, fastest_by_memory * (1 + 1e-9));
        } else if (name != "throughput") {
          EXPECT_EQ(
              testing::offload_violation(result, graph, 8.0, testing::latency_of(graph, devices_of(set), options)), "");
          fastest_by_memory = std::min(fastest_by_memory, result.report.latency_ms);
        }
        // The KV cache of the whole stated workload is reserved somewhere, in the model's width by
        // default, as transformers keeps it (the graph counts KV bytes in f32).
        ASSERT_EQ(result.report.workload.kv_dtype, graph.config.default_kv_dtype());
        std::uint64_t kv = 0;
        for (const DevicePlan& device : result.report.devices) kv += device.kv_bytes;
        EXPECT_EQ(kv, kv_per_token * static_cast<std::uint64_t>(options.workload.context_length) * 2 *
                          dtype_size(graph.config.default_kv_dtype()) / 4);
        EXPECT_GT(result.report.latency_ms, 0);
        // The map written for the plan reads back to the same placement.
        EXPECT_EQ(DeviceMap::from_json(result.map.to_json()).resolve(graph), result.targets);
      }
    }
  }
}

TEST_P(RealShapes, DiskIsOnlyUsedWhenGpusAndCpuAreFull) {
  const ModelGraph graph = load(GetParam());
  PlanOptions options;
  options.workload.context_length = 4096;
  const std::uint64_t weights = graph.parameter_bytes();
  const PlanResult result = plan(graph, devices_of(device_sets()[0]), "sequential", options);
  const auto& disk = result.report.devices.back();
  ASSERT_EQ(disk.name, "disk");
  // 2 x 24 GiB + 64 GiB of host memory: models up to ~100 GiB need no disk.
  if (weights < 90 * GiB)
    EXPECT_TRUE(disk.units.empty());
  else
    EXPECT_FALSE(disk.units.empty());
}

INSTANTIATE_TEST_SUITE_P(Models, RealShapes,
                         ::testing::Values("llama-2-7b", "llama-2-13b", "llama-3-70b", "qwen2-7b", "qwen2-72b"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

TEST(RealShapesMessages, A70BModelWithoutDiskSaysHowMuchIsMissing) {
  const ModelGraph graph = load("llama-3-70b");
  PlanOptions options;
  options.allow_disk = false;
  options.workload.context_length = 4096;
  try {
    plan(graph, devices_of(device_sets()[0]), "balanced", options);
    ADD_FAILURE() << "a 70B model fitted in 2 x 24 GiB + 64 GiB";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::out_of_memory);
    const std::string message = error.what();
    EXPECT_NE(message.find("missing"), std::string::npos) << message;
    EXPECT_NE(message.find("KV cache"), std::string::npos) << message;
    EXPECT_NE(message.find("allow the disk tier"), std::string::npos) << message;
  }
}

TEST(RealShapesSpeed, LatencyPlanIsNoSlowerThanBalancedOnMixedDevices) {
  // A fast and a slow GPU: balanced splits the model evenly, latency favours the fast one.
  const ModelGraph graph = load("llama-2-13b");
  std::vector<DeviceInfo> devices{testing::gpu("sim:0", 24 * GiB, 80e12, 2000e9, 25e9),
                                  testing::gpu("sim:1", 24 * GiB, 20e12, 450e9, 25e9), testing::cpu(64 * GiB)};
  PlanOptions options;
  options.workload.context_length = 4096;
  const PlanResult balanced = plan(graph, devices, "balanced", options);
  const PlanResult latency = plan(graph, devices, "latency", options);
  EXPECT_LT(latency.report.latency_ms, balanced.report.latency_ms);
}

}  // namespace
}  // namespace strata
