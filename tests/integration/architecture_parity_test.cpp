// Golden parity of the architectures beyond Llama and Qwen2 (issue 13, item 5): the random-weight
// reference checkpoints of tests/data/models, made by transformers, run on the CPU and split over
// the other devices of this machine; logits within 1e-3 and greedy tokens identical. Prompts of
// 1, 5, 23 and 80 tokens cross every window (8) and the llama3 scaling's original context (64).
#include "golden.hpp"
#include "placements.hpp"

#include <strata/checkpoint.hpp>
#include <strata/generate.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <memory>
#include <tuple>

namespace strata {
namespace {

constexpr float logit_tolerance = 1e-3f;

class ArchitectureParity : public testing::TestWithParam<std::tuple<std::string, std::string>> {
 protected:
  static void SetUpTestSuite() { runtime_ = std::make_unique<Runtime>(); }
  static void TearDownTestSuite() { runtime_.reset(); }
  static std::unique_ptr<Runtime> runtime_;
};
std::unique_ptr<Runtime> ArchitectureParity::runtime_;

TEST_P(ArchitectureParity, LogitsAndGreedyTokensMatchTransformers) {
  const auto& [model, placement] = GetParam();
  const std::filesystem::path dir = test::reference_model(model);
  const Checkpoint checkpoint = Checkpoint::open(dir);
  const auto targets = test::make_placement(placement, checkpoint.graph(), *runtime_);
  if (!targets) GTEST_SKIP() << "no devices for placement '" << placement << "' on this machine";

  SessionOptions options;
  options.context_length = 128;
  options.kv_dtype = DType::f32;  // transformers computed the goldens in float32, cache included
  Session session(*runtime_, checkpoint, *targets, options);
  const auto vocab = static_cast<std::size_t>(checkpoint.config().vocab_size);
  for (const test::GoldenCase& golden : test::read_golden(dir)) {
    SCOPED_TRACE(testing::Message() << golden.prompt_ids.size() << "-token prompt");
    session.reset();
    const std::vector<float> logits = session.forward(golden.prompt_ids, Session::Logits::all);
    const std::size_t positions = golden.prompt_ids.size();
    ASSERT_EQ(logits.size(), positions * vocab);
    EXPECT_LE(test::max_abs_difference(golden.first_logits, logits.data(), vocab), logit_tolerance);
    EXPECT_LE(test::max_abs_difference(golden.last_logits, logits.data() + (positions - 1) * vocab, vocab),
              logit_tolerance);

    session.reset();
    GenerateOptions generation;
    generation.max_new_tokens = static_cast<std::int64_t>(golden.greedy_new_ids.size());
    EXPECT_EQ(generate(session, golden.prompt_ids, generation).tokens, golden.greedy_new_ids);
  }
}

std::string case_name(const testing::TestParamInfo<ArchitectureParity::ParamType>& info) {
  std::string name = std::get<0>(info.param) + "_" + std::get<1>(info.param);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(ReferenceModels, ArchitectureParity,
                         testing::Combine(testing::Values("tiny-llama3-random", "tiny-qwen3-random",
                                                          "tiny-mistral-random", "tiny-gemma3-random",
                                                          "tiny-gemma2-random", "tiny-phi3-random"),
                                          testing::Values("cpu", "opencl", "vulkan")),
                         case_name);

}  // namespace
}  // namespace strata
