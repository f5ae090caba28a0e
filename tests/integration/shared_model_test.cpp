// Sessions made from one LoadedModel share its weights: on threads they generate what a
// standalone session generates, each costs only its KV caches and working buffers, they outlive
// the model's handle, one that fails to allocate leaves the model as it was, and one alone meets
// the demo model's golden outputs. Run under ThreadSanitizer too (`make test-tsan`).
#include "allocation_hooks.hpp"
#include "golden.hpp"
#include "placements.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/loaded_model.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <exception>
#include <memory>
#include <optional>
#include <thread>

namespace strata {
namespace {

const std::vector<std::int32_t> prompt = text_to_byte_tokens("def main():\n    ");

SessionOptions small() {
  SessionOptions options;
  options.context_length = 96;
  return options;
}

std::vector<std::int32_t> greedy_tokens(Session& session) {
  GenerateOptions greedy;
  greedy.max_new_tokens = 24;
  return generate(session, prompt, greedy).tokens;
}

// Adds the bytes of every allocation to `total`.
BeforeAllocate counting_into(std::uint64_t& total) {
  return [&total](const Device&, std::uint64_t bytes) { total += bytes; };
}

std::uint64_t sum_of(const std::vector<TargetPlacement>& placement, std::uint64_t TargetPlacement::*field) {
  std::uint64_t sum = 0;
  for (const TargetPlacement& target : placement) sum += target.*field;
  return sum;
}

class SharedModel : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    runtime_ = std::make_unique<Runtime>();
    checkpoint_ = std::make_unique<Checkpoint>(Checkpoint::open(test::sample_model("tiny-llama-pystdlib")));
  }
  static void TearDownTestSuite() {
    checkpoint_.reset();
    runtime_.reset();
  }
  static std::vector<std::string> all_on(const std::string& target) {
    return std::vector<std::string>(checkpoint_->graph().units.size(), target);
  }
  static std::vector<std::int32_t> generate_standalone(const std::string& target) {
    Session session(*runtime_, *checkpoint_, all_on(target), small());
    return greedy_tokens(session);
  }
  static std::unique_ptr<Runtime> runtime_;
  static std::unique_ptr<Checkpoint> checkpoint_;
};
std::unique_ptr<Runtime> SharedModel::runtime_;
std::unique_ptr<Checkpoint> SharedModel::checkpoint_;

TEST_F(SharedModel, SessionsOnThreadsGenerateWhatAStandaloneSessionGenerates) {
  // Every device, and "disk": its sessions check the mapped files around every step, at once.
  std::vector<std::string> targets = {std::string(disk_tier)};
  for (const Device& device : runtime_->devices()) targets.push_back(device.name());

  std::vector<LoadedModel> models;
  std::vector<std::vector<std::int32_t>> standalone;
  for (const std::string& target : targets) {
    models.emplace_back(*runtime_, *checkpoint_, all_on(target));
    standalone.push_back(generate_standalone(target));
  }

  // Three sessions per model, all made, run and destroyed at the same time.
  constexpr std::size_t per_model = 3;
  std::vector<std::vector<std::int32_t>> together(targets.size() * per_model);
  std::vector<std::exception_ptr> failures(together.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < together.size(); ++i)
    threads.emplace_back([&, i] {
      try {
        Session session(models[i / per_model], small());
        together[i] = greedy_tokens(session);
      } catch (...) {
        failures[i] = std::current_exception();
      }
    });
  for (std::thread& thread : threads) thread.join();
  for (std::size_t i = 0; i < together.size(); ++i) {
    const std::string& target = targets[i / per_model];
    if (failures[i]) {
      try {
        std::rethrow_exception(failures[i]);
      } catch (const std::exception& error) {
        ADD_FAILURE() << target << ": " << error.what();
      }
      continue;
    }
    EXPECT_EQ(together[i], standalone[i / per_model]) << "a session on " << target << " sharing its weights differs";
  }
}

TEST_F(SharedModel, ASessionAllocatesItsCachesAndBuffersButNoWeights) {
  std::uint64_t standalone = 0;
  SessionOptions counted = small();
  counted.before_allocate = counting_into(standalone);
  { Session session(*runtime_, *checkpoint_, all_on("cpu"), counted); }

  std::uint64_t loading = 0;
  LoadOptions load;
  load.before_allocate = counting_into(loading);
  const LoadedModel model(*runtime_, *checkpoint_, all_on("cpu"), load);
  std::uint64_t first = 0, second = 0;
  counted.before_allocate = counting_into(first);
  const Session a(model, counted);
  counted.before_allocate = counting_into(second);
  const Session b(model, counted);

  // Loading allocated the weights, as the placement reports them, and nothing else.
  const std::uint64_t weights = sum_of(model.placement(), &TargetPlacement::weight_bytes);
  EXPECT_GT(weights, 0u);
  EXPECT_EQ(loading, weights);
  EXPECT_EQ(sum_of(model.placement(), &TargetPlacement::kv_bytes), 0u);
  // A session: what a standalone session takes, less the weights; the second as much as the first.
  EXPECT_EQ(first, standalone - loading);
  EXPECT_EQ(second, first);
  // Each session reports the shared weights and its own caches.
  EXPECT_EQ(sum_of(a.placement(), &TargetPlacement::weight_bytes), weights);
  const std::uint64_t kv = sum_of(a.placement(), &TargetPlacement::kv_bytes);
  EXPECT_GT(kv, 0u);
  EXPECT_LT(kv, first);  // the rest: working buffers
  EXPECT_EQ(sum_of(b.placement(), &TargetPlacement::kv_bytes), kv);
}

TEST_F(SharedModel, SessionsOutliveTheModelsHandle) {
  const std::vector<std::int32_t> expected = generate_standalone("cpu");
  std::optional<LoadedModel> model(std::in_place, *runtime_, *checkpoint_, all_on("cpu"));
  std::optional<LoadedModel> copy = model;
  EXPECT_EQ(&copy->graph(), &model->graph()) << "a copy shares the loaded model";
  Session first(*model, small());
  Session second(*copy, small());
  model.reset();
  copy.reset();  // no handle left: the sessions keep the weights
  EXPECT_EQ(greedy_tokens(first), expected);
  EXPECT_EQ(greedy_tokens(second), expected);
}

TEST_F(SharedModel, ASessionThatFailsToAllocateLeavesTheModelServing) {
  const std::vector<std::int32_t> expected = generate_standalone("cpu");
  const LoadedModel model(*runtime_, *checkpoint_, all_on("cpu"));
  const std::uint64_t weights = sum_of(model.placement(), &TargetPlacement::weight_bytes);
  SessionOptions failing = small();
  int allocations = 0;
  failing.before_allocate = test::failing_allocation(2, allocations);  // the third
  try {
    Session session(model, failing);
    ADD_FAILURE() << "the session survived an injected failure";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::out_of_memory);
    EXPECT_NE(std::string(error.what()).find("injected failure"), std::string::npos) << error.what();
  }
  EXPECT_EQ(allocations, 3);
  EXPECT_EQ(sum_of(model.placement(), &TargetPlacement::weight_bytes), weights);
  Session session(model, small());
  EXPECT_EQ(greedy_tokens(session), expected);
}

TEST_F(SharedModel, ASessionFromALoadedModelMatchesTheGoldenOutputs) {
  const std::filesystem::path dir = test::sample_model("tiny-llama-pystdlib");
  const std::int64_t vocab = checkpoint_->config().vocab_size;
  for (const char* placement : {"cpu", "cpu_disk"}) {
    SCOPED_TRACE(placement);
    const auto targets = test::make_placement(placement, checkpoint_->graph(), *runtime_);
    ASSERT_TRUE(targets);
    const LoadedModel model(*runtime_, *checkpoint_, *targets);
    SessionOptions options;
    options.context_length = 256;
    options.kv_dtype = DType::f32;  // transformers computed the goldens in float32, cache included
    Session session(model, options);
    for (const test::GoldenCase& golden : test::read_golden(dir)) {
      SCOPED_TRACE("prompt: " + golden.prompt);
      session.reset();
      const std::vector<float> logits = session.forward(golden.prompt_ids, Session::Logits::all);
      const auto positions = golden.prompt_ids.size();
      ASSERT_EQ(logits.size(), positions * static_cast<std::size_t>(vocab));
      EXPECT_LE(test::max_abs_difference(golden.first_logits, logits.data(), static_cast<std::size_t>(vocab)), 1e-3f);
      EXPECT_LE(test::max_abs_difference(golden.last_logits, logits.data() + (positions - 1) * vocab,
                                         static_cast<std::size_t>(vocab)),
                1e-3f);
      session.reset();
      GenerateOptions greedy;
      greedy.max_new_tokens = static_cast<std::int64_t>(golden.greedy_new_ids.size());
      EXPECT_EQ(generate(session, golden.prompt_ids, greedy).tokens, golden.greedy_new_ids);
    }
  }
}

}  // namespace
}  // namespace strata
