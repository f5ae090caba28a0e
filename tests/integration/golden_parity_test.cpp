// Golden parity: the checkpoints' logits within 1e-3 of transformers' float32 results and their
// greedy continuations identical, on the CPU and on placements that split the model over "disk"
// and the other devices of this machine. The sample models, and the random-weight reference
// checkpoints of tests/data/models, one per architecture (issue 13, item 5), whose prompts of 1,
// 5, 23 and 80 tokens cross every sliding window (8) and the llama3 scaling's original context (64).
#include "demo_suite.hpp"
#include "golden.hpp"
#include "placements.hpp"

#include <strata/checkpoint.hpp>
#include <strata/generate.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <tuple>

namespace strata {
namespace {

constexpr float logit_tolerance = 1e-3f;

class GoldenParity : public testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  static void SetUpTestSuite() {
    test::describe_simulated_gpus();
    runtime_ = std::make_unique<Runtime>();
  }
  static void TearDownTestSuite() { runtime_.reset(); }
  static std::unique_ptr<Runtime> runtime_;
};
std::unique_ptr<Runtime> GoldenParity::runtime_;

TEST_P(GoldenParity, LogitsAndGreedyTokensMatchTransformers) {
  const auto& [model, placement] = GetParam();
  const std::filesystem::path dir = test::model_dir(model);
  const Checkpoint checkpoint = Checkpoint::open(dir);
  const auto targets = test::make_placement(placement, checkpoint.graph(), *runtime_);
  if (!targets) GTEST_SKIP() << "no devices for placement '" << placement << "' on this machine";

  SessionOptions options;
  options.context_length = 256;   // the cases are short; a small cache keeps the test light
  options.kv_dtype = DType::f32;  // transformers computed the goldens in float32, cache included
  Session session(*runtime_, checkpoint, *targets, options);
  const std::int64_t vocab = checkpoint.config().vocab_size;
  const std::vector<test::GoldenCase> cases = test::read_golden(dir);
  for (std::size_t index = 0; index < cases.size(); ++index) {
    const test::GoldenCase& golden = cases[index];
    SCOPED_TRACE("prompt: " + golden.prompt);
    session.reset();
    const std::vector<float> logits = session.forward(golden.prompt_ids, Session::Logits::all);
    const auto positions = golden.prompt_ids.size();
    ASSERT_EQ(logits.size(), positions * static_cast<std::size_t>(vocab));
    EXPECT_LE(test::max_abs_difference(golden.first_logits, logits.data(), static_cast<std::size_t>(vocab)),
              logit_tolerance);
    EXPECT_LE(test::max_abs_difference(golden.last_logits, logits.data() + (positions - 1) * vocab,
                                       static_cast<std::size_t>(vocab)),
              logit_tolerance);

    // Decoding dominates the run time on software GPUs: split placements decode every other
    // case (the demo prompt among them), the CPU placement all of them.
    if (placement != "cpu" && index % 2 != 0) continue;
    session.reset();
    GenerateOptions generation;
    generation.max_new_tokens = static_cast<std::int64_t>(golden.greedy_new_ids.size());
    const GenerationResult result = generate(session, golden.prompt_ids, generation);
    EXPECT_EQ(result.tokens, golden.greedy_new_ids);
    EXPECT_EQ(result.stop_reason, StopReason::max_new_tokens);
    if (golden.greedy_text && has_byte_vocabulary(checkpoint.config())) {
      EXPECT_EQ(byte_tokens_to_text(result.tokens), *golden.greedy_text);
    }
  }
}

std::string case_name(const testing::TestParamInfo<GoldenParity::ParamType>& info) {
  std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(SampleModels, GoldenParity,
                         testing::Combine(testing::Values("tiny-llama-pystdlib", "tiny-qwen2-random"),
                                          testing::Values("cpu", "cpu_disk", "opencl", "vulkan", "sim", "all")),
                         case_name);

INSTANTIATE_TEST_SUITE_P(ReferenceModels, GoldenParity,
                         testing::Combine(testing::Values("tiny-llama3-random", "tiny-qwen3-random",
                                                          "tiny-mistral-random", "tiny-gemma3-random",
                                                          "tiny-gemma2-random", "tiny-phi3-random"),
                                          testing::Values("cpu", "cpu_disk", "opencl", "vulkan")),
                         case_name);

}  // namespace
}  // namespace strata
