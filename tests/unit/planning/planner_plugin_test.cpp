// Planner plugins: the sample third-party planner loads by path and plans; the host refuses
// broken plugins with the reason, and checks every plugin's answer.
#include "planning_fixtures.hpp"

#include <strata/error.hpp>
#include <strata/planner.hpp>

#include <gtest/gtest.h>

#include <algorithm>

namespace strata {
namespace {

using testing::GiB;
using testing::UnitSpec;

ModelGraph model() {
  std::vector<UnitSpec> specs(24, UnitSpec{GiB, 1e9, GiB, 4096, 1024});
  return testing::chain_graph(specs);
}

std::vector<DeviceInfo> devices() {
  return {testing::gpu("sim:0", 16 * GiB, 10e12, 1000e9), testing::gpu("sim:1", 16 * GiB, 10e12, 500e9),
          testing::cpu(64 * GiB)};
}

std::string error_of(const std::function<void()>& body, StatusCode expected) {
  try {
    body();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), expected) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST(PlannerPlugins, TheSamplePlannerLoadsByPathAndPlans) {
  const PlannerInfo info = load_planner_plugin(STRATA_SAMPLE_PLANNER);
  EXPECT_EQ(info.name, "bandwidth_share");
  EXPECT_FALSE(info.builtin);
  const auto all = planners();
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [](const PlannerInfo& p) { return p.name == "bandwidth_share"; }));
  EXPECT_TRUE(
      std::any_of(all.begin(), all.end(), [](const PlannerInfo& p) { return p.name == "latency" && p.builtin; }));

  const ModelGraph graph = model();
  const PlanResult result = plan(graph, devices(), "bandwidth_share");
  EXPECT_EQ(testing::over_budget(result, graph), "");
  // sim:0 has twice the bandwidth of sim:1, so it holds more of the model.
  const auto on = [&](const char* name) { return std::count(result.targets.begin(), result.targets.end(), name); };
  EXPECT_GT(on("sim:0"), on("sim:1"));
  EXPECT_EQ(result.report.strategy, "bandwidth_share");

  // A second load of the same name is refused.
  const std::string message =
      error_of([] { load_planner_plugin(STRATA_SAMPLE_PLANNER); }, StatusCode::invalid_argument);
  EXPECT_NE(message.find("taken"), std::string::npos) << message;
}

TEST(PlannerPlugins, BrokenPluginsAreRefusedWithTheReason) {
  EXPECT_NE(error_of([] { load_planner_plugin(STRATA_TEST_PLANNER_NO_ENTRY); }, StatusCode::unavailable)
                .find("strata_planner_entry"),
            std::string::npos);
  EXPECT_NE(error_of([] { load_planner_plugin(STRATA_TEST_PLANNER_WRONG_MAJOR); }, StatusCode::incompatible_version)
                .find("planner ABI 2.0"),
            std::string::npos);
  EXPECT_NE(error_of([] { load_planner_plugin(STRATA_TEST_PLANNER_BAD_NAME); }, StatusCode::internal).find("Bad Name"),
            std::string::npos);
  EXPECT_THROW(load_planner_plugin("/nonexistent/libplanner.so"), Error);
}

TEST(PlannerPlugins, ARelativePathIsRefusedAsForBackends) {
  // dlopen would resolve "./x.so" against the current folder: never searched for plugins.
  EXPECT_NE(error_of([] { load_planner_plugin("./libstrata_planner_sample.so"); }, StatusCode::unavailable)
                .find("plugins are loaded by absolute path only"),
            std::string::npos);
}

TEST(PlannerPlugins, APluginBuiltForPlannerAbi10KeepsWorking) {
  // Its table ends before `flags`: the host must not read past it, gives it one device of the
  // host's cores (it cannot know that PoCL and cpu are the same cores), and keeps the offload
  // rule for it.
  load_planner_plugin(STRATA_TEST_PLANNER_ABI_1_0);
  DeviceInfo pocl = testing::cpu(64 * GiB);
  pocl.name = "opencl:0";
  pocl.backend = "opencl";
  pocl.sharing = DeviceSharing::host_cores;
  std::vector<DeviceInfo> with_pocl = devices();
  with_pocl.back().sharing = DeviceSharing::host_cores;
  with_pocl.push_back(pocl);
  const ModelGraph graph = model();
  const PlanResult result = plan(graph, with_pocl, "test_abi_1_0");
  EXPECT_EQ(testing::over_budget(result, graph), "");
  EXPECT_EQ(std::count(result.targets.begin(), result.targets.end(), "disk"), 0);  // the offload rule moved them
  EXPECT_GT(std::count(result.targets.begin(), result.targets.end(), "sim:0"), 0);
  EXPECT_EQ(std::count(result.targets.begin(), result.targets.end(), "opencl:0"), 0);
  EXPECT_TRUE(std::none_of(result.report.devices.begin(), result.report.devices.end(),
                           [](const DevicePlan& device) { return device.name == "opencl:0"; }));
  const auto all = planners();
  EXPECT_TRUE(std::any_of(all.begin(), all.end(), [](const PlannerInfo& p) { return p.name == "test_abi_1_0"; }));
}

TEST(PlannerPlugins, AnOverBudgetAnswerIsRejected) {
  load_planner_plugin(STRATA_TEST_PLANNER_OVER_BUDGET);
  const std::string message = error_of([] { plan(model(), devices(), "test_over_budget"); }, StatusCode::internal);
  EXPECT_NE(message.find("over budget"), std::string::npos) << message;
  EXPECT_NE(message.find("sim:0 needs"), std::string::npos) << message;
}

TEST(PlannerPlugins, APlannersErrorReachesTheCaller) {
  load_planner_plugin(STRATA_TEST_PLANNER_FAILING);
  const std::string message = error_of([] { plan(model(), devices(), "test_failing"); }, StatusCode::out_of_memory);
  EXPECT_NE(message.find("test planner: no room anywhere"), std::string::npos) << message;
}

TEST(PlannerPlugins, TheOffloadRuleAppliesToPluginsToo) {
  load_planner_plugin(STRATA_TEST_PLANNER_OFFLOADER);
  const ModelGraph graph = model();
  const PlanResult result = plan(graph, devices(), "test_offloader");
  EXPECT_EQ(testing::offload_violation(result, graph), "");
  EXPECT_GT(std::count(result.targets.begin(), result.targets.end(), "sim:0"), 0);
  EXPECT_EQ(std::count(result.targets.begin(), result.targets.end(), "disk"), 0);

  PlanOptions raw;
  raw.fill_offload_gaps = false;
  const PlanResult untouched = plan(graph, devices(), "test_offloader", raw);
  EXPECT_EQ(std::count(untouched.targets.begin(), untouched.targets.end(), "disk"), 24);
}

}  // namespace
}  // namespace strata
