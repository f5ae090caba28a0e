// Plans carried out for real on simulated devices: the demo model planned over three small
// simulated GPUs runs with the same logits as on the CPU alone, and a placement that does not
// fit a simulated device fails to load with OUT_OF_MEMORY.
#include "sim_runtime.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/planner.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace strata {
namespace {

// Three 6 MiB GPUs of different speeds: the 13 MiB demo model needs all three.
const char* three_small_gpus = R"({"devices": [
    {"name": "fast", "memory_gib": 0.005859375, "tflops": 40, "memory_gbps": 1000, "link_gbps": 25},
    {"name": "medium", "memory_gib": 0.005859375, "tflops": 20, "memory_gbps": 500, "link_gbps": 25},
    {"name": "slow", "memory_gib": 0.005859375, "tflops": 5, "memory_gbps": 100, "link_gbps": 8}]})";

std::vector<float> run(const Runtime& runtime, const Checkpoint& checkpoint, const std::vector<std::string>& targets) {
  SessionOptions options;
  options.context_length = 64;
  Session session(runtime, checkpoint, targets, options);
  const std::vector<std::int32_t> prompt{100, 101, 102, 32, 102, 111, 111};  // "def foo"
  return session.forward(prompt);
}

std::vector<DeviceInfo> infos(const Runtime& runtime) {
  std::vector<DeviceInfo> result;
  for (const Device& device : runtime.devices()) result.push_back(device.info());
  return result;
}

TEST(SimPlanRun, PlansOverSimulatedGpusRunWithTheCpusLogits) {
  const Runtime runtime = test::sim_runtime(three_small_gpus, true);
  const Checkpoint checkpoint = Checkpoint::open(STRATA_DEMO_MODEL);
  const std::vector<float> reference =
      run(runtime, checkpoint, std::vector<std::string>(checkpoint.graph().units.size(), "cpu"));

  PlanOptions options;
  options.workload.context_length = 64;
  options.max_memory = {{"sim:0", 6 * (1ull << 20)}, {"sim:1", 6 * (1ull << 20)}, {"sim:2", 6 * (1ull << 20)}};
  options.allow_disk = false;
  for (const char* strategy : {"sequential", "balanced", "latency", "throughput"}) {
    SCOPED_TRACE(strategy);
    const PlanResult plan_result = plan(checkpoint.graph(), infos(runtime), strategy, options);
    const std::set<std::string> used(plan_result.targets.begin(), plan_result.targets.end());
    EXPECT_GE(used.size(), 2u) << plan_to_json(plan_result);
    EXPECT_FALSE(used.contains("cpu")) << plan_to_json(plan_result);  // the GPUs have room
    const std::vector<float> logits = run(runtime, checkpoint, plan_result.targets);
    ASSERT_EQ(logits.size(), reference.size());
    float worst = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) worst = std::max(worst, std::abs(logits[i] - reference[i]));
    EXPECT_LE(worst, 1e-4f);
  }
}

TEST(SimPlanRun, APlacementPastADevicesMemoryFailsToLoad) {
  const Runtime runtime = test::sim_runtime(three_small_gpus, true);
  const Checkpoint checkpoint = Checkpoint::open(STRATA_DEMO_MODEL);
  try {
    run(runtime, checkpoint, std::vector<std::string>(checkpoint.graph().units.size(), "sim:2"));
    ADD_FAILURE() << "13 MiB of weights loaded into a 6 MiB device";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::out_of_memory) << error.what();
  }
  EXPECT_EQ(runtime.device("sim:2").memory().free, 6 * (1ull << 20));  // everything given back
}

}  // namespace
}  // namespace strata
