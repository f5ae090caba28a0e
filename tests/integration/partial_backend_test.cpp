// A backend that runs only part of the op set - the sample backend: f32 only, no rope and no
// attention, as the backend guide allows - asked through its own supports_op: every strategy
// plans around it, an explicit map or a session that breaks it is refused before anything is
// loaded, and what it does run gives the golden answer.
#include "golden.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/ops.hpp>
#include <strata/planner.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

namespace strata {
namespace {

constexpr const char* partial = "sample:0";

class PartialBackend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RuntimeOptions options;
    options.load_environment_plugins = false;
    options.read_calibration_cache = false;
    options.plugin_files = {STRATA_PARTIAL_PLUGIN};
    runtime_ = std::make_unique<Runtime>(options);
    qwen_ = std::make_unique<Checkpoint>(Checkpoint::open(test::sample_model("tiny-qwen2-random")));
  }
  static void TearDownTestSuite() {
    qwen_.reset();
    runtime_.reset();
  }

  // The devices as the runtime has them, with the partial device described as the fastest there
  // is, so that every planner wants it for everything: only its supports_op keeps units off it.
  static std::vector<DeviceInfo> partial_device_is_fastest() {
    std::vector<DeviceInfo> infos;
    for (const Device& device : runtime_->devices()) {
      DeviceInfo info = device.info();
      info.caps.exact_speeds = true;
      info.measured.reset();
      info.peak_flops = info.name == partial ? 1e15 : 1e10;
      info.memory_bandwidth = info.name == partial ? 1e13 : 1e10;
      info.host_link_bandwidth = 1e12;
      if (info.name == partial) {
        info.kind = DeviceKind::accel;
        info.sharing = DeviceSharing::none;
      }
      infos.push_back(info);
    }
    return infos;
  }

  static std::unique_ptr<Runtime> runtime_;
  static std::unique_ptr<Checkpoint> qwen_;
};
std::unique_ptr<Runtime> PartialBackend::runtime_;
std::unique_ptr<Checkpoint> PartialBackend::qwen_;

std::string error_of(const std::function<void()>& action, StatusCode code) {
  try {
    action();
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST_F(PartialBackend, TheSampleRefusesRopeAndRunsMatmul) {
  ASSERT_TRUE(runtime_->find_device(partial)) << "the sample backend did not load";
  const Device device = runtime_->device(partial);
  const TensorView x{nullptr, 0, DType::f32, Shape{1, 4, 32}};
  const TensorView positions{nullptr, 0, DType::i32, Shape{1}};
  EXPECT_FALSE(device.supports(ops::rope(x, positions, x, 10000.0f, 32)));
  const TensorView row{nullptr, 0, DType::f32, Shape{1, 32}};
  const TensorView weight{nullptr, 0, DType::f32, Shape{8, 32}};
  const TensorView out{nullptr, 0, DType::f32, Shape{1, 8}};
  EXPECT_TRUE(device.supports(ops::matmul(row, weight, std::nullopt, out)));
}

TEST_F(PartialBackend, EveryStrategyKeepsUnitsOffTheDeviceThatCannotRunThem) {
  const ModelGraph& graph = qwen_->graph();
  PlanOptions options;
  options.workload.context_length = 64;
  options.supports = device_support(*runtime_);
  for (const char* strategy : {"sequential", "balanced", "balanced_low_0", "latency", "throughput", "auto"}) {
    SCOPED_TRACE(strategy);
    const PlanResult result = plan(graph, partial_device_is_fastest(), strategy, options);
    std::size_t on_partial = 0;
    for (std::size_t u = 0; u < graph.units.size(); ++u) {
      if (result.targets[u] != partial) continue;
      ++on_partial;
      EXPECT_NE(graph.units[u].kind, UnitKind::decoder_layer) << graph.units[u].name << " went to " << partial;
    }
    // The device is used for what it runs (it is the fastest), so it was asked, not just avoided.
    EXPECT_GT(on_partial, 0u);
    EXPECT_TRUE(std::any_of(result.report.notes.begin(), result.report.notes.end(), [](const std::string& note) {
      return note.find("sample:0 does not run model.layers.0") != std::string::npos &&
             note.find("rope") != std::string::npos;
    })) << result.report.notes.size();
  }
}

TEST_F(PartialBackend, AnExplicitMapThatSendsItALayerIsRefusedNamingUnitOpDtypeAndDevice) {
  const DeviceMap map({{"", "cpu"}, {"model.layers.1", partial}});
  const std::string message = error_of(
      [&] {
        PlanOptions options;
        options.workload.context_length = 64;
        plan_with_map(qwen_->graph(), *runtime_, map, options);
      },
      StatusCode::unsupported);
  for (const char* part : {"model.layers.1", "sample:0", "rope", "f32"})
    EXPECT_NE(message.find(part), std::string::npos) << part << " missing from: " << message;
}

TEST_F(PartialBackend, ASessionRefusesItBeforeAllocatingAnything) {
  const Device device = runtime_->device(partial);
  const auto free_before = device.memory().free;
  std::vector<std::string> targets(qwen_->graph().units.size(), "cpu");
  targets[0] = partial;  // the embedding: supported
  targets[2] = partial;  // model.layers.1: not
  SessionOptions options;
  options.context_length = 64;
  const std::string message =
      error_of([&] { Session session(*runtime_, *qwen_, targets, options); }, StatusCode::unsupported);
  EXPECT_NE(message.find("model.layers.1 cannot run on sample:0"), std::string::npos) << message;
  EXPECT_EQ(device.memory().free, free_before);
}

TEST_F(PartialBackend, TheUnitsItRunsGiveTheGoldenAnswer) {
  std::vector<std::string> targets(qwen_->graph().units.size(), "cpu");
  targets.front() = partial;  // model.embed_tokens
  targets.back() = partial;   // lm_head (tied to the embedding)
  SessionOptions options;
  options.context_length = 128;
  options.kv_dtype = DType::f32;
  Session session(*runtime_, *qwen_, targets, options);
  for (const test::GoldenCase& golden : test::read_golden(test::sample_model("tiny-qwen2-random"))) {
    session.reset();
    GenerateOptions greedy;
    greedy.max_new_tokens = static_cast<std::int64_t>(golden.greedy_new_ids.size());
    EXPECT_EQ(generate(session, golden.prompt_ids, greedy).tokens, golden.greedy_new_ids) << golden.prompt;
  }
}

}  // namespace
}  // namespace strata
