// A load that fails halfway releases everything it allocated: failures injected at every
// allocation in turn, a device that runs out of memory, and a weight source that breaks in the
// middle, and a load cancelled from another thread all leave the device's memory where it started.
#include "allocation_hooks.hpp"
#include "golden.hpp"

#include <strata/cancel.hpp>
#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/loaded_model.hpp>
#include <strata/model.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>
#include <strata_test/scoped_env.hpp>

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace strata {
namespace {

class LoadFailure : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    RuntimeOptions options;
    options.plugin_files.push_back(STRATA_COUNTED_PLUGIN);  // "counted:0": exact memory accounting
    runtime_ = std::make_unique<Runtime>(options);
    checkpoint_ = std::make_unique<Checkpoint>(Checkpoint::open(test::sample_model("tiny-llama-pystdlib")));
  }
  static void TearDownTestSuite() {
    checkpoint_.reset();
    runtime_.reset();
  }
  static std::uint64_t free_memory() { return runtime_->device("counted:0").memory().free.value(); }
  // Half the units on the counting device, half on the CPU: cleanup must span devices.
  static std::vector<std::string> split_targets() {
    std::vector<std::string> targets(checkpoint_->graph().units.size(), "cpu");
    for (std::size_t i = 0; i < targets.size(); i += 2) targets[i] = "counted:0";
    return targets;
  }
  // The load ran out of the counting device's memory at a decoder layer, and says so.
  static void expect_no_room_for_a_layer(const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::out_of_memory);
    const std::string message = error.what();
    EXPECT_NE(message.find("loading unit 'model.layers."), std::string::npos) << message;
    EXPECT_NE(message.find("counted:0"), std::string::npos) << message;
  }
  static SessionOptions small() {
    SessionOptions options;
    options.context_length = 128;
    return options;
  }
  static std::unique_ptr<Runtime> runtime_;
  static std::unique_ptr<Checkpoint> checkpoint_;
};
std::unique_ptr<Runtime> LoadFailure::runtime_;
std::unique_ptr<Checkpoint> LoadFailure::checkpoint_;

TEST_F(LoadFailure, EveryAllocationThatFailsLeavesNothingBehind) {
  const std::uint64_t start = free_memory();
  SessionOptions counting = small();
  int allocations = 0;
  counting.before_allocate = test::counting_allocations(allocations);
  {
    Session session(*runtime_, *checkpoint_, split_targets(), counting);
    EXPECT_LT(free_memory(), start);  // the load really took memory on the device
  }
  EXPECT_EQ(free_memory(), start);
  ASSERT_GT(allocations, 30);  // weights, caches and working buffers of 11 units

  for (int failing = 0; failing < allocations; ++failing) {
    SCOPED_TRACE("failing allocation " + std::to_string(failing));
    SessionOptions options = small();
    int seen = 0;
    options.before_allocate = test::failing_allocation(failing, seen);
    try {
      Session session(*runtime_, *checkpoint_, split_targets(), options);
      ADD_FAILURE() << "the load survived an injected failure";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), StatusCode::out_of_memory);
      EXPECT_NE(std::string(error.what()).find("injected failure"), std::string::npos) << error.what();
    }
    EXPECT_EQ(free_memory(), start);
  }
}

TEST_F(LoadFailure, ADeviceOutOfMemoryNamesTheUnitAndReleasesTheRest) {
  const std::uint64_t start = free_memory();
  std::vector<std::string> targets(checkpoint_->graph().units.size(), "counted:0");
  SessionOptions options;
  options.context_length = 1024;  // 25.7 MB of weights (converted to f32) + 8.4 MB of cache > 24 MiB
  try {
    Session session(*runtime_, *checkpoint_, targets, options);
    ADD_FAILURE() << "loaded more than the device holds";
  } catch (const Error& error) {
    expect_no_room_for_a_layer(error);
  }
  EXPECT_EQ(free_memory(), start);
}

TEST_F(LoadFailure, AWeightSourceThatBreaksHalfwayReleasesEverything) {
  const std::uint64_t start = free_memory();
  // Host weights with one tensor of layer 5 missing: the load fails after layers 0-4 are up.
  HostWeights weights;
  const CheckpointWeights file(*checkpoint_);
  for (const Unit& unit : checkpoint_->graph().units)
    for (const ParameterInfo& parameter : unit.parameters) {
      if (parameter.name == "model.layers.5.mlp.up_proj.weight") continue;
      std::vector<std::byte> bytes;
      file.read(parameter,
                [&](std::span<const std::byte> piece) { bytes.insert(bytes.end(), piece.begin(), piece.end()); });
      weights.set(parameter.name, std::move(bytes));
    }
  std::vector<std::string> targets(checkpoint_->graph().units.size(), "counted:0");
  try {
    Session session(*runtime_, checkpoint_->graph(), weights, targets, small());
    ADD_FAILURE() << "loaded without a tensor";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("model.layers.5.mlp.up_proj.weight"), std::string::npos) << error.what();
  }
  EXPECT_EQ(free_memory(), start);
}

// Issue 16: a load cancelled from another thread stops at its next weight, throws
// Error(cancelled) and leaves the device's memory where it started.
TEST_F(LoadFailure, ALoadCancelledFromAnotherThreadReleasesEverything) {
  const std::uint64_t start = free_memory();
  SessionOptions options = small();
  const CancelToken cancel = options.cancel;
  std::mutex mutex;
  std::condition_variable changed;
  bool halfway = false;
  // The loading thread waits, halfway through the weights, until the other thread has cancelled.
  options.on_progress = [&](const LoadProgress& progress) {
    if (progress.parameters_done != progress.parameters_total / 2) return;
    std::unique_lock lock(mutex);
    halfway = true;
    changed.notify_all();
    changed.wait(lock, [&] { return cancel.cancelled(); });
  };
  std::thread canceller([&] {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return halfway; });
    cancel.cancel();
    changed.notify_all();
  });
  try {
    Session session(*runtime_, *checkpoint_, split_targets(), options);
    ADD_FAILURE() << "the load ran to the end";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::cancelled);
    EXPECT_NE(std::string(error.what()).find("loading was cancelled at parameter"), std::string::npos) << error.what();
  }
  canceller.join();
  EXPECT_EQ(free_memory(), start);

  // Once reset, the same options load.
  cancel.reset();
  options.on_progress = nullptr;
  EXPECT_NO_THROW(Session(*runtime_, *checkpoint_, split_targets(), options));
  EXPECT_EQ(free_memory(), start);
}

// A cancelled forward pass throws and leaves the session where it was: after reset() the same
// prompt gives the same logits as a session never cancelled.
TEST_F(LoadFailure, ACancelledForwardLeavesTheSessionUsable) {
  // The counting device computes nothing: this one runs on the CPU.
  Session session(*runtime_, *checkpoint_, std::vector<std::string>(checkpoint_->graph().units.size(), "cpu"), small());
  const std::vector<std::int32_t> prompt = {100, 101, 102, 32};  // "def "
  session.forward({prompt.data(), 2});                           // the same two steps as below, never cancelled
  const std::vector<float> expected = session.forward({prompt.data() + 2, 2});
  session.reset();

  const CancelToken cancel = session.cancel_token();
  session.forward({prompt.data(), 2});
  cancel.cancel();
  try {
    session.forward({prompt.data() + 2, 2});
    ADD_FAILURE() << "the forward pass ran";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::cancelled);
    EXPECT_NE(std::string(error.what()).find("forward at position 2 was cancelled"), std::string::npos) << error.what();
  }
  EXPECT_EQ(session.position(), 2);
  cancel.reset();
  EXPECT_EQ(session.forward({prompt.data() + 2, 2}), expected);
}

// The same on a simulated GPU of the sim backend, which enforces its memory limit and computes:
// a load too large fails and returns every byte; one that fits runs and returns them when done.
TEST(LoadFailureOnSim, TheSimulatedDeviceGetsEveryByteBack) {
  const Runtime runtime = [] {
    const strata_test::ScopedEnv devices("STRATA_SIM_DEVICES",
                                         R"({"devices": [{"name": "16 MiB GPU", "memory_gib": 0.015625}]})");
    return Runtime();
  }();
  const std::optional<Device> sim = runtime.find_device("sim:0");
  if (!sim) GTEST_SKIP() << "the sim backend is not built";
  const std::uint64_t start = sim->memory().free.value();
  const Checkpoint checkpoint = Checkpoint::open(test::sample_model("tiny-llama-pystdlib"));
  const std::vector<std::string> targets(checkpoint.graph().units.size(), "sim:0");
  SessionOptions options;
  options.context_length = 1024;  // 12.9 MB of weights + 8.4 MB of cache > 16 MiB
  EXPECT_THROW(Session(runtime, checkpoint, targets, options), Error);
  EXPECT_EQ(sim->memory().free.value(), start);
  options.context_length = 64;
  {
    Session session(runtime, checkpoint, targets, options);
    EXPECT_LT(sim->memory().free.value(), start);
    const std::vector<std::int32_t> prompt = {100, 101, 102, 32};  // "def "
    EXPECT_EQ(session.forward(prompt).size(), 256u);
  }
  EXPECT_EQ(sim->memory().free.value(), start);
}

// A LoadedModel's weights stay while its sessions come and go; a session that fails at any of
// its allocations gives back all it took.
TEST_F(LoadFailure, ASessionOfALoadedModelThatFailsAtAnyAllocationGivesBackAllItTook) {
  const std::uint64_t start = free_memory();
  {
    const LoadedModel model(*runtime_, *checkpoint_, split_targets());
    const std::uint64_t loaded = free_memory();
    EXPECT_LT(loaded, start);
    int allocations = 0;
    {
      SessionOptions counting = small();
      counting.before_allocate = test::counting_allocations(allocations);
      const Session session(model, counting);
      EXPECT_LT(free_memory(), loaded);  // its caches and buffers on the device
    }
    EXPECT_EQ(free_memory(), loaded);
    ASSERT_GT(allocations, 10);  // caches and working buffers on two devices
    for (int failing = 0; failing < allocations; ++failing) {
      SCOPED_TRACE("failing allocation " + std::to_string(failing));
      SessionOptions options = small();
      int seen = 0;
      options.before_allocate = test::failing_allocation(failing, seen);
      EXPECT_THROW(Session(model, options), Error);
      EXPECT_EQ(free_memory(), loaded);
    }
  }
  EXPECT_EQ(free_memory(), start);
}

TEST_F(LoadFailure, ALoadedModelThatDoesNotFitNamesTheUnitAndReleasesEverything) {
  const std::uint64_t start = free_memory();
  // 25.2 MB of weights converted to f32 on a device of 24 MiB: the last layer does not fit.
  const std::vector<std::string> targets(checkpoint_->graph().units.size(), "counted:0");
  try {
    const LoadedModel model(*runtime_, *checkpoint_, targets);
    ADD_FAILURE() << "loaded more than the device holds";
  } catch (const Error& error) {
    expect_no_room_for_a_layer(error);
  }
  EXPECT_EQ(free_memory(), start);
}

}  // namespace
}  // namespace strata
