// Batched decode: one step runs the next token of several sequences, each at its own position in
// its own caches, and gives each the logits it gets alone, on every placement this machine allows;
// bad requests are refused before anything runs and move no sequence.
#include "demo_suite.hpp"
#include "golden.hpp"
#include "placements.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/model.hpp>
#include <strata/ops.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace strata {
namespace {

// Three prompts of different lengths: the sequences decode at different positions.
const std::vector<std::vector<std::int32_t>> prompts = {
    text_to_byte_tokens("import sys\n"),
    text_to_byte_tokens("def main(argv):\n    return 0\n"),
    text_to_byte_tokens("class Path:\n    def __init__(self, name):\n        self.name = name\n"),
};
constexpr int steps = 6;
constexpr std::int64_t context_tokens = 128;

std::int32_t argmax(std::span<const float> logits) {
  return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

std::span<const float> row(const std::vector<float>& logits, std::size_t index, std::int64_t vocab) {
  return std::span(logits).subspan(index * static_cast<std::size_t>(vocab), static_cast<std::size_t>(vocab));
}

SessionOptions options_for(std::int64_t sequences) {
  SessionOptions options;
  options.context_length = context_tokens;
  options.sequences = sequences;
  return options;
}

// Each prompt decoded greedily on a session of its own: the logits of every step.
std::vector<std::vector<std::vector<float>>> alone(const LoadedModel& model) {
  std::vector<std::vector<std::vector<float>>> out;
  for (const auto& prompt : prompts) {
    Session session(model, options_for(1));
    std::vector<std::vector<float>> logits{session.forward(prompt)};
    for (int i = 0; i < steps; ++i) {
      const std::int32_t token = argmax(logits.back());
      logits.push_back(session.forward(std::span(&token, 1)));
    }
    out.push_back(std::move(logits));
  }
  return out;
}

class BatchedDecode : public test::WithDemoModel<testing::TestWithParam<std::string>> {};

// Three sequences decoded together for `steps` steps, each compared with what it gets alone;
// with micro_batches > 1 a split placement runs them as pipelined micro-batches.
void expect_each_sequence_gets_its_logits_alone(const LoadedModel& model, std::int64_t micro_batches) {
  const std::int64_t vocab = model.graph().config.vocab_size;
  const auto expected = alone(model);
  SessionOptions options = options_for(3);
  options.micro_batches = micro_batches;
  Session batched(model, options);
  ASSERT_EQ(batched.sequences(), 3);
  std::vector<std::int32_t> next;
  for (std::size_t s = 0; s < prompts.size(); ++s) {
    const std::vector<float> logits = batched.forward(static_cast<std::int64_t>(s), prompts[s]);
    EXPECT_LE(test::max_abs_difference(logits, expected[s][0].data(), expected[s][0].size()), 2e-3f);
    next.push_back(argmax(logits));
  }
  for (int step = 1; step <= steps; ++step) {
    // The order given is the order of the logits, not the sequences' order.
    const std::vector<Session::SequenceToken> tokens = {{2, next[2]}, {0, next[0]}, {1, next[1]}};
    const std::vector<float> logits = batched.decode(tokens);
    ASSERT_EQ(logits.size(), 3 * static_cast<std::size_t>(vocab));
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const auto s = static_cast<std::size_t>(tokens[i].sequence);
      const std::span<const float> got = row(logits, i, vocab);
      const std::vector<float>& want = expected[s][static_cast<std::size_t>(step)];
      EXPECT_LE(test::max_abs_difference(std::vector<float>(got.begin(), got.end()), want.data(), want.size()), 2e-3f)
          << "sequence " << s << " at step " << step << ", " << micro_batches << " micro-batches";
      EXPECT_EQ(argmax(got), argmax(want)) << "sequence " << s << " at step " << step;
      next[s] = argmax(got);
    }
  }
  for (std::size_t s = 0; s < prompts.size(); ++s)
    EXPECT_EQ(batched.position_of(static_cast<std::int64_t>(s)), static_cast<std::int64_t>(prompts[s].size()) + steps);
}

TEST_P(BatchedDecode, EverySequenceGetsTheLogitsItGetsAlone) {
  const auto placement = test::make_placement(GetParam(), checkpoint_->graph(), *runtime_);
  if (!placement) GTEST_SKIP() << "this machine has no device for placement " << GetParam();
  const LoadedModel model(*runtime_, checkpoint_->graph(), CheckpointWeights(*checkpoint_), *placement);
  expect_each_sequence_gets_its_logits_alone(model, 1);
}

// Pipelined: two micro-batches (of 2 and 1 sequences) and three (one each); on one device, as
// on placements with a device in two places, the steps run one after another.
TEST_P(BatchedDecode, PipelinedMicroBatchesGiveEverySequenceTheLogitsItGetsAlone) {
  const auto placement = test::make_placement(GetParam(), checkpoint_->graph(), *runtime_);
  if (!placement) GTEST_SKIP() << "this machine has no device for placement " << GetParam();
  const LoadedModel model(*runtime_, checkpoint_->graph(), CheckpointWeights(*checkpoint_), *placement);
  expect_each_sequence_gets_its_logits_alone(model, 2);
  expect_each_sequence_gets_its_logits_alone(model, 3);
}

INSTANTIATE_TEST_SUITE_P(Placements, BatchedDecode,
                         testing::Values("cpu", "cpu_disk", "opencl", "vulkan", "sim", "all"),
                         [](const testing::TestParamInfo<std::string>& param) { return param.param; });

class BatchedDecodeOnCpu : public test::WithDemoModel<> {
 protected:
  static void SetUpTestSuite() {
    WithDemoModel::SetUpTestSuite();
    model_ = std::make_unique<LoadedModel>(*runtime_, checkpoint_->graph(), CheckpointWeights(*checkpoint_),
                                           std::vector<std::string>(checkpoint_->graph().units.size(), "cpu"));
  }
  static void TearDownTestSuite() {
    model_.reset();
    WithDemoModel::TearDownTestSuite();
  }
  static inline std::unique_ptr<LoadedModel> model_;
};

TEST_F(BatchedDecodeOnCpu, MoreSequencesThanOneStepTakesRunInSeveralSteps) {
  SessionOptions options = options_for(5);
  options.max_batch_tokens = 2;  // five sequences: steps of 2, 2 and 1
  Session batched(*model_, options);
  Session single(*model_, options_for(1));
  const std::int64_t vocab = checkpoint_->graph().config.vocab_size;
  std::vector<Session::SequenceToken> tokens;
  for (std::int64_t s = 0; s < 5; ++s) {
    batched.forward(s, prompts[0]);
    tokens.push_back({s, static_cast<std::int32_t>(40 + s)});
  }
  const std::vector<float> logits = batched.decode(tokens);
  for (std::int64_t s = 0; s < 5; ++s) {
    single.reset();
    single.forward(prompts[0]);
    const std::vector<float> want = single.forward(std::span(&tokens[static_cast<std::size_t>(s)].token, 1));
    const std::span<const float> got = row(logits, static_cast<std::size_t>(s), vocab);
    EXPECT_LE(test::max_abs_difference(std::vector<float>(got.begin(), got.end()), want.data(), want.size()), 2e-3f)
        << "sequence " << s;
  }
}

TEST_F(BatchedDecodeOnCpu, BadRequestsAreRefusedAndMoveNoSequence) {
  Session session(*model_, options_for(2));
  session.forward(0, prompts[0]);
  session.forward(1, prompts[1]);
  const std::int64_t at0 = session.position_of(0), at1 = session.position_of(1);
  auto refused = [&](std::vector<Session::SequenceToken> tokens, const std::string& needle) {
    try {
      session.decode(tokens);
      ADD_FAILURE() << "decode accepted a request that names " << needle;
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), StatusCode::invalid_argument);
      EXPECT_NE(std::string(error.what()).find(needle), std::string::npos) << error.what();
    }
    EXPECT_EQ(session.position_of(0), at0);
    EXPECT_EQ(session.position_of(1), at1);
  };
  refused({{0, 5}, {0, 6}}, "listed twice");
  refused({{0, 5}, {2, 6}}, "sequence 2 is outside 0..1");
  refused({{-1, 5}}, "sequence -1");
  refused({{1, 5}, {0, -3}}, "outside the vocabulary");
  refused({}, "no sequences");
  EXPECT_THROW(session.forward(2, prompts[0]), Error);
  EXPECT_THROW(session.position_of(5), Error);
  EXPECT_THROW(session.reset_sequence(-1), Error);

  // A full cache is refused for that sequence, named, while the other could go on.
  Session full(*model_, [] {
    SessionOptions options = options_for(2);
    options.context_length = static_cast<std::int64_t>(prompts[0].size());
    return options;
  }());
  full.forward(1, prompts[0]);
  try {
    full.decode(std::vector<Session::SequenceToken>{{0, 5}, {1, 5}});
    ADD_FAILURE() << "decode ran past a full cache";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("sequence 1 holds"), std::string::npos) << error.what();
  }
  EXPECT_EQ(full.position_of(0), 0);
  EXPECT_NO_THROW(full.decode(std::vector<Session::SequenceToken>{{0, 5}}));
  EXPECT_EQ(full.position_of(0), 1);

  SessionOptions none = options_for(0);
  EXPECT_THROW(Session(*model_, none), Error);
  SessionOptions no_micro_batches = options_for(2);
  no_micro_batches.micro_batches = 0;
  EXPECT_THROW(Session(*model_, no_micro_batches), Error);
}

TEST_F(BatchedDecodeOnCpu, EachSequenceResetsAndRunsAlone) {
  Session session(*model_, options_for(2));
  const std::vector<float> first = session.forward(0, prompts[1]);
  session.forward(1, prompts[2]);
  // Rewinding sequence 1 leaves sequence 0 where it was; its next token sees only its own cache.
  session.reset_sequence(1);
  EXPECT_EQ(session.position_of(1), 0);
  EXPECT_EQ(session.position(), static_cast<std::int64_t>(prompts[1].size()));
  const std::vector<float> again = session.forward(1, prompts[1]);
  EXPECT_LE(test::max_abs_difference(again, first.data(), first.size()), 1e-5f);
}

TEST_F(BatchedDecodeOnCpu, EverySequenceHasCachesOfItsOwn) {
  Session one(*model_, options_for(1));
  Session four(*model_, options_for(4));
  std::uint64_t kv_one = 0, kv_four = 0;
  for (const TargetPlacement& target : one.placement()) kv_one += target.kv_bytes;
  for (const TargetPlacement& target : four.placement()) kv_four += target.kv_bytes;
  EXPECT_GT(kv_one, 0u);
  EXPECT_EQ(kv_four, 4 * kv_one);
}

// A custom unit sees each sequence's rows apart, with that sequence's number and past.
TEST_F(BatchedDecodeOnCpu, ACustomUnitSeesOneSequenceAtATime) {
  ModelGraph graph = checkpoint_->graph();
  test::insert_custom_unit(graph, 2, "my.identity");
  std::vector<std::pair<std::int64_t, std::int64_t>> seen;  // (sequence, n_past)
  SessionOptions options = options_for(2);
  options.custom_units["my.identity"] = [&seen](const CustomUnitContext& context) {
    seen.emplace_back(context.sequence, context.n_past);
    EXPECT_EQ(context.input.shape[0], 1);
    context.queue.submit(ops::copy(context.input, context.output));
  };
  Session session(*runtime_, graph, CheckpointWeights(*checkpoint_),
                  std::vector<std::string>(graph.units.size(), "cpu"), options);
  session.forward(0, std::span(prompts[0]).first(1));
  session.forward(1, std::span(prompts[1]).first(1));
  session.forward(1, std::span(prompts[1]).subspan(1, 1));
  seen.clear();
  session.decode(std::vector<Session::SequenceToken>{{1, 7}, {0, 9}});
  const std::vector<std::pair<std::int64_t, std::int64_t>> expected = {{1, 2}, {0, 1}};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace strata
