// sequential, balanced, balanced_low_0, single devices and explicit maps: Hugging Face's
// meaning, without accelerate's known defects.
#include "planning_fixtures.hpp"

#include <strata/error.hpp>
#include <strata/planner.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace strata {
namespace {

using testing::GiB;
using testing::MiB;
using testing::UnitSpec;

std::size_t count_on(const PlanResult& result, std::string_view device) {
  return static_cast<std::size_t>(std::count(result.targets.begin(), result.targets.end(), device));
}

PlanOptions budgets(std::map<std::string, std::uint64_t> max_memory, std::int64_t context = 64) {
  PlanOptions options;
  options.max_memory = std::move(max_memory);
  options.workload.context_length = context;
  options.workspace_factor = 0;  // these tests count weights and KV cache exactly
  return options;
}

std::vector<DeviceInfo> gpus_and_cpu(int gpus, std::uint64_t memory = 80 * GiB) {
  std::vector<DeviceInfo> devices;
  for (int i = 0; i < gpus; ++i) devices.push_back(testing::gpu("opencl:" + std::to_string(i), memory));
  devices.push_back(testing::cpu(512 * GiB));
  return devices;
}

TEST(Sequential, LeavesRoomForTheKvCacheOfTheStatedContext) {
  // 10 layers of 100 MiB, each keeping 1 MiB of KV cache per 1024 tokens of context.
  std::vector<UnitSpec> specs(10, UnitSpec{100 * MiB, 0, 0, 0, 1024});
  const ModelGraph graph = testing::chain_graph(specs, false);
  const auto devices = gpus_and_cpu(1);
  // 1000 MiB holds all weights; with 20 MiB of KV cache per layer at 20480 tokens, 8 layers.
  const PlanResult result = plan(graph, devices, "sequential", budgets({{"0", 1000 * MiB}, {"cpu", 10 * GiB}}, 20480));
  EXPECT_EQ(count_on(result, "opencl:0"), 8u);
  EXPECT_EQ(count_on(result, "cpu"), 2u);
  EXPECT_EQ(testing::over_budget(result, graph, 0), "");
  EXPECT_EQ(result.report.devices[0].kv_bytes, 8 * 20 * MiB);
}

TEST(Sequential, StaysOnItsAcceleratorRatherThanHoppingBack) {
  // The last unit would fit in the room left on opencl:0 too: going back there would only add
  // two transfers.
  const ModelGraph graph = testing::chain_graph({UnitSpec{60 * MiB}, UnitSpec{60 * MiB}, UnitSpec{10 * MiB}}, false);
  const auto devices = gpus_and_cpu(2);
  const PlanResult result =
      plan(graph, devices, "sequential", budgets({{"0", 100 * MiB}, {"1", 100 * MiB}, {"cpu", GiB}}));
  EXPECT_EQ(result.targets, (std::vector<std::string>{"opencl:0", "opencl:1", "opencl:1"}));
}

TEST(Sequential, ReturnsToAnAcceleratorItSkippedBeforeOffloading) {
  // The second unit is too large for what opencl:0 has left; the third fits neither opencl:1 nor a
  // later GPU, but opencl:0 still has room: it goes there, not to the CPU (accelerate would
  // offload it).
  const ModelGraph graph = testing::chain_graph({UnitSpec{60 * MiB}, UnitSpec{90 * MiB}, UnitSpec{30 * MiB}}, false);
  const auto devices = gpus_and_cpu(2);
  const PlanResult result =
      plan(graph, devices, "sequential", budgets({{"0", 100 * MiB}, {"1", 100 * MiB}, {"cpu", GiB}}));
  EXPECT_EQ(result.targets, (std::vector<std::string>{"opencl:0", "opencl:1", "opencl:0"}));
}

TEST(Sequential, KeepsNoRoomForTheLargestLayerWhenNothingIsOffloaded) {
  // The model fills the GPU exactly; accelerate would keep the largest layer's size free and
  // push the last layers to the CPU.
  std::vector<UnitSpec> specs(8, UnitSpec{128 * MiB});
  const ModelGraph graph = testing::chain_graph(specs);
  const auto devices = gpus_and_cpu(1);
  const PlanResult result = plan(graph, devices, "sequential", budgets({{"0", 1 * GiB}, {"cpu", GiB}}));
  EXPECT_EQ(count_on(result, "opencl:0"), 8u);
  EXPECT_EQ(result.map.entries(), (std::map<std::string, std::string>{{"", "opencl:0"}}));
}

TEST(Balanced, SharesTheModelEquallyBetweenEqualGpus) {
  std::vector<UnitSpec> specs(34, UnitSpec{100 * MiB, 0, 0, 0, 0});
  const ModelGraph graph = testing::chain_graph(specs);
  const auto devices = gpus_and_cpu(4);
  for (const char* strategy : {"balanced", "auto"}) {
    const PlanResult result = plan(graph, devices, strategy, budgets({}));
    for (int g = 0; g < 4; ++g) {
      const std::size_t share = count_on(result, "opencl:" + std::to_string(g));
      EXPECT_GE(share, 8u) << strategy << " GPU " << g;
      EXPECT_LE(share, 9u) << strategy << " GPU " << g;
    }
    EXPECT_EQ(count_on(result, "cpu"), 0u);
  }
}

TEST(Balanced, FillsSmallGpusAndSharesTheRestOnLargeOnes) {
  // 30 units of 1 GiB on 24 + 12 + 8 GiB: the 8 GiB GPU is full, the others take 11 each.
  std::vector<UnitSpec> specs(30, UnitSpec{GiB});
  const ModelGraph graph = testing::chain_graph(specs, false);
  const auto devices = gpus_and_cpu(3);
  const PlanResult result =
      plan(graph, devices, "balanced", budgets({{"0", 24 * GiB}, {"1", 12 * GiB}, {"2", 8 * GiB}, {"cpu", 8 * GiB}}));
  EXPECT_EQ(count_on(result, "opencl:2"), 8u);
  EXPECT_EQ(count_on(result, "opencl:0"), 11u);
  EXPECT_EQ(count_on(result, "opencl:1"), 11u);
}

TEST(BalancedLow0, KeepsGpu0EmptyWhileTheOthersHaveRoom) {
  std::vector<UnitSpec> specs(20, UnitSpec{GiB});
  const ModelGraph graph = testing::chain_graph(specs);
  const auto devices = gpus_and_cpu(3);
  const PlanResult result = plan(graph, devices, "balanced_low_0",
                                 budgets({{"0", 24 * GiB}, {"1", 24 * GiB}, {"2", 24 * GiB}, {"cpu", 64 * GiB}}));
  EXPECT_EQ(count_on(result, "opencl:0"), 0u);
  EXPECT_EQ(count_on(result, "opencl:1"), 10u);
  EXPECT_EQ(count_on(result, "opencl:2"), 10u);
}

TEST(BalancedLow0, OverflowGoesToGpu0BeforeTheCpu) {
  // accelerate's balanced_low_0 spills to the CPU here while GPU 0 sits nearly empty.
  std::vector<UnitSpec> specs(40, UnitSpec{GiB});
  const ModelGraph graph = testing::chain_graph(specs);
  const auto devices = gpus_and_cpu(3);
  const PlanResult result = plan(graph, devices, "balanced_low_0",
                                 budgets({{"0", 24 * GiB}, {"1", 16 * GiB}, {"2", 16 * GiB}, {"cpu", 64 * GiB}}));
  EXPECT_EQ(count_on(result, "opencl:1"), 16u);
  EXPECT_EQ(count_on(result, "opencl:2"), 16u);
  EXPECT_EQ(count_on(result, "opencl:0"), 8u);
  EXPECT_EQ(count_on(result, "cpu"), 0u);
}

TEST(AllStrategies, AcceptADiskKeyAndOffloadToDiskOnlyWhenNeeded) {
  std::vector<UnitSpec> specs(12, UnitSpec{GiB, 0, GiB, 4096, 1024});
  const ModelGraph graph = testing::chain_graph(specs);
  const auto devices = gpus_and_cpu(2);
  for (const char* strategy : {"sequential", "balanced", "balanced_low_0", "latency", "throughput"}) {
    SCOPED_TRACE(strategy);
    // Room for 4 + 2 units on the GPUs and 3 on the CPU: 3 must go to disk.
    const PlanResult result = plan(graph, devices, strategy,
                                   budgets({{"0", 4 * GiB + 512 * MiB},
                                            {"1", 2 * GiB + 512 * MiB},
                                            {"cpu", 3 * GiB + 512 * MiB},
                                            {"disk", 100 * GiB}}));
    EXPECT_EQ(count_on(result, "disk"), 3u);
    EXPECT_EQ(testing::over_budget(result, graph, 0), "");
    EXPECT_EQ(testing::offload_violation(result, graph, 0), "");
    // A disk budget too small is respected: the model no longer fits.
    EXPECT_THROW(plan(graph, devices, strategy,
                      budgets({{"0", 4 * GiB + 512 * MiB},
                               {"1", 2 * GiB + 512 * MiB},
                               {"cpu", 3 * GiB + 512 * MiB},
                               {"disk", 2 * GiB}})),
                 Error);
  }
}

TEST(AllStrategies, CountOneGpuSeenThroughTwoBackendsOnce) {
  std::vector<UnitSpec> specs(10, UnitSpec{GiB, 0, GiB});  // each reads its weights once per token
  const ModelGraph graph = testing::chain_graph(specs);
  std::vector<DeviceInfo> devices{testing::gpu("opencl:0", 8 * GiB, 10e12, 300e9, 16e9, "0000:65:00.0"),
                                  testing::gpu("vulkan:0", 8 * GiB, 10e12, 300e9, 16e9, "0000:65:00.0"),
                                  testing::cpu(64 * GiB)};
  PlanOptions options = budgets({});
  options.reserve_min_bytes = 0;
  options.reserve_fraction = 0;
  // The memory-driven strategies get one view of the GPU; latency and throughput choose one.
  // Either way its 8 GiB hold 8 units, never 16.
  for (const char* strategy : {"sequential", "balanced", "balanced_low_0", "latency", "throughput"}) {
    SCOPED_TRACE(strategy);
    const PlanResult result = plan(graph, devices, strategy, options);
    const std::size_t on_opencl = count_on(result, "opencl:0");
    const std::size_t on_vulkan = count_on(result, "vulkan:0");
    EXPECT_EQ(on_opencl + on_vulkan, 8u);
    EXPECT_TRUE(on_opencl == 0 || on_vulkan == 0);
    EXPECT_EQ(count_on(result, "cpu"), 2u);
    EXPECT_TRUE(std::any_of(result.report.notes.begin(), result.report.notes.end(), [](const std::string& note) {
      return note.find("opencl:0, vulkan:0 are views of one GPU (pci:0000:65:00.0)") != std::string::npos;
    })) << result.report.notes.front();
  }
}

TEST(AllStrategies, TheFasterViewOfOneGpuIsTheOneUsed) {
  // OpenCL and Vulkan on one GPU, Vulkan's kernels twice as fast: latency and throughput pick
  // Vulkan; the memory-driven strategies keep the view measured faster.
  std::vector<UnitSpec> specs(10, UnitSpec{GiB, 0, GiB});
  const ModelGraph graph = testing::chain_graph(specs);
  DeviceInfo opencl = testing::gpu("opencl:0", 16 * GiB, 10e12, 300e9, 16e9, "0000:65:00.0");
  DeviceInfo vulkan = testing::gpu("vulkan:0", 16 * GiB, 10e12, 600e9, 16e9, "0000:65:00.0");
  for (DeviceInfo* info : {&opencl, &vulkan}) {  // measured, as strata run and strata plan have them
    info->caps.exact_speeds = false;
    info->measured = DeviceMeasurements{};
    info->measured->matvec_bandwidth[DType::f32] = info->memory_bandwidth;
    info->measured->matmul_flops[DType::f32] = info->peak_flops;
    info->measured->host_to_device = info->measured->device_to_host = 16e9;
  }
  const std::vector<DeviceInfo> devices{opencl, vulkan, testing::cpu(64 * GiB)};
  for (const char* strategy : {"latency", "throughput", "sequential", "balanced"}) {
    SCOPED_TRACE(strategy);
    const PlanResult result = plan(graph, devices, strategy, budgets({}));
    EXPECT_EQ(count_on(result, "vulkan:0"), 10u);
    EXPECT_EQ(count_on(result, "opencl:0"), 0u);
  }
}

TEST(AllStrategies, SayHowMuchIsMissingAndWhere) {
  std::vector<UnitSpec> specs(10, UnitSpec{GiB});
  const ModelGraph graph = testing::chain_graph(specs);
  const auto devices = gpus_and_cpu(2);
  PlanOptions options = budgets({{"0", 3 * GiB}, {"1", 3 * GiB}, {"cpu", 2 * GiB}});
  options.allow_disk = false;
  for (const char* strategy : {"sequential", "balanced", "balanced_low_0", "latency", "throughput", "opencl:0"}) {
    try {
      plan(graph, devices, strategy, options);
      ADD_FAILURE() << strategy << " planned a model that cannot fit";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), StatusCode::out_of_memory) << strategy;
      const std::string message = error.what();
      EXPECT_NE(message.find("missing"), std::string::npos) << message;
      EXPECT_NE(message.find("opencl:0"), std::string::npos) << message;
    }
  }
  // Enough room in all, but one unit larger than every device.
  const ModelGraph lumpy = testing::chain_graph({UnitSpec{GiB}, UnitSpec{5 * GiB}, UnitSpec{4}, UnitSpec{GiB}});
  try {
    plan(lumpy, devices, "sequential", options);
    ADD_FAILURE();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("model.layers.0 does not fit on any device"), std::string::npos)
        << error.what();
  }
}

TEST(Strategies, UnknownNamesListWhatIsValid) {
  const ModelGraph graph = testing::chain_graph({UnitSpec{4}, UnitSpec{4}});
  try {
    plan(graph, gpus_and_cpu(1), "fastest");
    ADD_FAILURE();
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.code(), StatusCode::invalid_argument);
    for (const char* name : {"sequential", "balanced_low_0", "latency", "throughput", "opencl:0", "cpu", "disk"})
      EXPECT_NE(message.find(name), std::string::npos) << name << " in " << message;
  }
}

TEST(SingleDevice, PutsEverythingThereOrSaysWhatIsMissing) {
  std::vector<UnitSpec> specs(4, UnitSpec{GiB});
  const ModelGraph graph = testing::chain_graph(specs);
  const auto devices = gpus_and_cpu(2);
  const PlanResult result = plan(graph, devices, "opencl:1", budgets({}));
  EXPECT_EQ(result.map.entries(), (std::map<std::string, std::string>{{"", "opencl:1"}}));
  try {
    plan(graph, devices, "opencl:1", budgets({{"0", 8 * GiB}, {"1", 3 * GiB}}));
    ADD_FAILURE();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::out_of_memory);
    EXPECT_NE(std::string(error.what()).find("1.00 GiB missing"), std::string::npos) << error.what();
  }
}

TEST(ExplicitMap, IsCheckedAgainstDevicesAndBudgets) {
  std::vector<UnitSpec> specs(4, UnitSpec{GiB});
  const ModelGraph graph = testing::chain_graph(specs);
  const auto devices = gpus_and_cpu(2);
  const DeviceMap map({{"model", "opencl:1"}, {"lm_head", "cpu"}});
  const PlanResult result = plan_with_map(graph, devices, map, budgets({}));
  EXPECT_EQ(result.targets, (std::vector<std::string>{"opencl:1", "opencl:1", "opencl:1", "cpu"}));
  EXPECT_EQ(result.map.entries(), map.entries());
  EXPECT_THROW(plan_with_map(graph, devices, map, budgets({{"1", 2 * GiB}, {"cpu", 8 * GiB}})), Error);
  try {
    plan_with_map(graph, devices, DeviceMap(std::map<std::string, std::string>{{"", "vulkan:3"}}), budgets({}));
    ADD_FAILURE();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("opencl:0, opencl:1, cpu, disk"), std::string::npos) << error.what();
  }
}

TEST(Report, PredictsTheRooflineOfEachUnit) {
  // One memory-bound unit (1 GiB read at 100 GB/s) and one compute-bound unit (1e12 FLOP at 10 TFLOP/s).
  const ModelGraph graph = testing::chain_graph({UnitSpec{4, 0, GiB, 4096}, UnitSpec{4, 1e12, 0, 4096}});
  std::vector<DeviceInfo> devices{testing::gpu("opencl:0", 8 * GiB, 10e12, 100e9), testing::cpu(8 * GiB)};
  const PlanResult result = plan(graph, devices, "opencl:0", budgets({}));
  const DevicePlan& gpu = result.report.devices[0];
  // The lm_head also reads its logits back: 4096 bytes over the 16 GB/s host link.
  EXPECT_NEAR(gpu.ms_per_token, 1e3 * (static_cast<double>(GiB) / 100e9 + 1e12 / 10e12 + 4096 / 16e9), 1e-9);
  EXPECT_NEAR(result.report.latency_ms, gpu.ms_per_token, 1e-9);
  EXPECT_EQ(result.report.transfer_ms, 0.0);
}

TEST(OffloadRule, HoldsForEveryStrategyOnRandomModels) {
  std::mt19937 random(11);
  int planned = 0;
  int did_not_fit = 0;
  for (int trial = 0; trial < 60; ++trial) {
    std::vector<UnitSpec> specs;
    const int units = 3 + static_cast<int>(random() % 20);
    for (int u = 0; u < units; ++u)
      specs.push_back(UnitSpec{(1 + random() % 64) * 16 * MiB, 1e9 * static_cast<double>(random() % 10),
                               (random() % 64) * MiB, 4096 * (1 + random() % 4), 256 * (random() % 8)});
    const ModelGraph graph = testing::chain_graph(specs);
    std::map<std::string, std::uint64_t> max_memory{{"cpu", (random() % 16) * 64 * MiB + 64 * MiB}};
    const int gpus = 1 + static_cast<int>(random() % 3);
    for (int g = 0; g < gpus; ++g) max_memory[std::to_string(g)] = (random() % 16) * 64 * MiB;
    PlanOptions options = budgets(max_memory, 1 + static_cast<std::int64_t>(random() % 2048));
    options.workspace_factor = static_cast<double>(random() % 3);
    for (const char* strategy : {"sequential", "balanced", "balanced_low_0", "latency", "throughput"}) {
      SCOPED_TRACE(::testing::Message() << "trial " << trial << " " << strategy);
      PlanResult result;
      try {
        result = plan(graph, gpus_and_cpu(gpus), strategy, options);
      } catch (const Error& error) {
        ASSERT_EQ(error.code(), StatusCode::out_of_memory) << error.what();
        ++did_not_fit;
        continue;
      }
      ++planned;
      EXPECT_EQ(testing::over_budget(result, graph, options.workspace_factor), "");
      // latency and throughput place by speed over every device: the rule is not theirs (their
      // exactness is proven in dp_exact_test.cpp).
      const std::string_view name = strategy;
      if (name != "latency" && name != "throughput") {
        EXPECT_EQ(testing::offload_violation(result, graph, options.workspace_factor,
                                             testing::latency_of(graph, gpus_and_cpu(gpus), options)),
                  "");
      }
    }
  }
  EXPECT_GT(planned, 5 * did_not_fit);  // the cases mostly fit, so the checks above ran
}

}  // namespace
}  // namespace strata
