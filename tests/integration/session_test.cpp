// Session behaviour on the CPU: pieces of a prompt and the KV cache give the logits of one pass,
// the context is enforced, generation stops where asked, placements report their bytes, and
// graphs built by hand (with custom units, host or random weights) run.
#include "golden.hpp"

#include <strata/checkpoint.hpp>
#include <strata/error.hpp>
#include <strata/generate.hpp>
#include <strata/model.hpp>
#include <strata/queue.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <memory>

namespace strata {
namespace {

class SessionTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    runtime_ = std::make_unique<Runtime>();
    llama_ = std::make_unique<Checkpoint>(Checkpoint::open(test::sample_model("tiny-llama-pystdlib")));
  }
  static void TearDownTestSuite() {
    llama_.reset();
    runtime_.reset();
  }
  static std::vector<std::string> all_on(const ModelGraph& graph, const std::string& target) {
    return std::vector<std::string>(graph.units.size(), target);
  }
  // An F32 cache, so that sessions compare at tight tolerances (the default follows the model's
  // width: F16 for this bf16 checkpoint).
  static SessionOptions small(std::int64_t context = 128) {
    SessionOptions options;
    options.context_length = context;
    options.kv_dtype = DType::f32;
    return options;
  }
  static std::unique_ptr<Runtime> runtime_;
  static std::unique_ptr<Checkpoint> llama_;
};
std::unique_ptr<Runtime> SessionTest::runtime_;
std::unique_ptr<Checkpoint> SessionTest::llama_;

const std::vector<std::int32_t> prompt = text_to_byte_tokens("import sys\nfrom os import path\n");

void expect_close(const std::vector<float>& a, const std::vector<float>& b, float tolerance) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_LE(test::max_abs_difference(a, b.data(), b.size()), tolerance);
}

TEST_F(SessionTest, PromptPiecesGiveTheLogitsOfOnePass) {
  Session whole(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small());
  SessionOptions pieces_options = small();
  pieces_options.max_batch_tokens = 5;  // the prompt runs in 7 pieces
  Session pieces(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), pieces_options);
  expect_close(whole.forward(prompt, Session::Logits::all), pieces.forward(prompt, Session::Logits::all), 1e-4f);
  EXPECT_EQ(pieces.position(), static_cast<std::int64_t>(prompt.size()));
}

TEST_F(SessionTest, TheKvCacheContinuesWhereThePromptEnded) {
  Session session(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small());
  const std::vector<float> at_once = session.forward(prompt);
  session.reset();
  const std::span<const std::int32_t> tokens(prompt);
  session.forward(tokens.first(prompt.size() - 3));
  session.forward(tokens.subspan(prompt.size() - 3, 2));
  expect_close(session.forward(tokens.last(1)), at_once, 1e-4f);
  // reset(n) rewinds: the same last token again gives the same logits.
  session.reset(static_cast<std::int64_t>(prompt.size()) - 1);
  expect_close(session.forward(tokens.last(1)), at_once, 1e-5f);
}

TEST_F(SessionTest, TheContextIsEnforcedWithAClearError) {
  Session session(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small(40));
  EXPECT_EQ(session.context_length(), 40);
  session.forward(std::span(prompt).first(30));
  try {
    session.forward(std::span(prompt).first(11));
    ADD_FAILURE() << "overflowed the context";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::invalid_argument);
    EXPECT_NE(std::string(error.what()).find("context holds 40 tokens"), std::string::npos) << error.what();
  }
  EXPECT_EQ(session.position(), 30);  // a refused step changes nothing
  session.reset();
  GenerateOptions options;
  options.max_new_tokens = 20;
  try {
    generate(session, std::span(prompt).first(25), options);
    ADD_FAILURE() << "generated past the context";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("exceed the context of 40 tokens"), std::string::npos) << error.what();
  }
  options.max_new_tokens = std::numeric_limits<std::int64_t>::max();  // must not wrap around into "fits"
  EXPECT_THROW(generate(session, std::span(prompt).first(25), options), Error);
  EXPECT_EQ(session.position(), 0);

  const std::vector<std::int32_t> bad = {65, 256};
  EXPECT_THROW(session.forward(bad), Error);
  SessionOptions too_long = small(1025);  // the model's limit is 1024
  EXPECT_THROW(Session(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), too_long), Error);
}

TEST_F(SessionTest, GenerationStopsAtStopTokensAndWhenTold) {
  Session session(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small());
  GenerateOptions options;
  options.max_new_tokens = 8;
  const GenerationResult greedy = generate(session, prompt, options);
  ASSERT_EQ(greedy.tokens.size(), 8u);
  EXPECT_EQ(greedy.decode_steps, 7);

  session.reset();
  options.stop_tokens = {greedy.tokens[2]};
  const GenerationResult stopped = generate(session, prompt, options);
  EXPECT_EQ(stopped.stop_reason, StopReason::stop_token);
  const auto first_stop =
      std::find(greedy.tokens.begin(), greedy.tokens.end(), greedy.tokens[2]) - greedy.tokens.begin();
  EXPECT_EQ(stopped.tokens, std::vector<std::int32_t>(greedy.tokens.begin(), greedy.tokens.begin() + first_stop + 1));

  session.reset();
  options.stop_tokens.clear();
  int seen = 0;
  options.on_token = [&](std::int32_t) { return ++seen < 3; };
  const GenerationResult told = generate(session, prompt, options);
  EXPECT_EQ(told.stop_reason, StopReason::callback);
  EXPECT_EQ(told.tokens.size(), 3u);
}

TEST_F(SessionTest, SeededSamplingRepeats) {
  GenerateOptions options;
  options.max_new_tokens = 24;
  options.sampling.temperature = 0.9f;
  options.sampling.top_k = 40;
  options.sampling.top_p = 0.95f;
  options.sampling.seed = 1234;
  Session a(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small());
  Session b(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small());
  EXPECT_EQ(generate(a, prompt, options).tokens, generate(b, prompt, options).tokens);
}

TEST_F(SessionTest, AnF16CacheStaysCloseToF32) {
  Session f32(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small());
  SessionOptions options = small();
  options.kv_dtype = DType::f16;
  Session f16(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), options);
  expect_close(f16.forward(prompt, Session::Logits::all), f32.forward(prompt, Session::Logits::all), 5e-2f);
}

TEST_F(SessionTest, TheCacheDefaultsToTheModelsWidthAndGeneratesTheSameText) {
  SessionOptions defaults;
  defaults.context_length = 128;
  Session by_default(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), defaults);
  Session f32(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small());
  ASSERT_EQ(llama_->config().dtype, DType::bf16);
  // A 16-bit cache: half the bytes of F32, as transformers keeps a bf16 model's cache.
  std::uint64_t default_kv = 0, f32_kv = 0;
  for (const TargetPlacement& target : by_default.placement()) default_kv += target.kv_bytes;
  for (const TargetPlacement& target : f32.placement()) f32_kv += target.kv_bytes;
  EXPECT_EQ(default_kv * 2, f32_kv);
  GenerateOptions greedy;
  greedy.max_new_tokens = 48;
  EXPECT_EQ(generate(by_default, prompt, greedy).tokens, generate(f32, prompt, greedy).tokens);
}

TEST_F(SessionTest, PlacementReportsEachTargetsBytes) {
  const ModelGraph& graph = llama_->graph();
  std::vector<std::string> targets = all_on(graph, "cpu");
  for (std::size_t i = 0; i < 5; ++i) targets[i] = "disk";
  Session session(*runtime_, *llama_, targets, small(100));
  const std::vector<TargetPlacement> placement = session.placement();
  ASSERT_EQ(placement.size(), 2u);
  EXPECT_EQ(placement[0].target, "disk");
  EXPECT_EQ(placement[0].device, "cpu");
  EXPECT_EQ(placement[0].units.size(), 5u);
  std::uint64_t disk_bytes = 0, cpu_bytes = 0;
  for (std::size_t i = 0; i < graph.units.size(); ++i)
    (i < 5 ? disk_bytes : cpu_bytes) += graph.units[i].parameter_bytes();
  const bool imports =
      runtime_->device("cpu").info().caps.import_host && runtime_->device("cpu").info().stores(DType::bf16);
  EXPECT_EQ(placement[0].mapped_bytes + placement[0].weight_bytes, disk_bytes);
  if (imports) {
    EXPECT_EQ(placement[0].mapped_bytes, disk_bytes);  // read through the mapping, not copied
  }
  EXPECT_EQ(placement[1].weight_bytes, cpu_bytes);
  EXPECT_EQ(placement[0].kv_bytes, 4u * 100u * graph.units[1].kv_bytes_per_token);
  EXPECT_EQ(placement[1].kv_bytes, 4u * 100u * graph.units[1].kv_bytes_per_token);
  expect_close(session.forward(prompt), Session(*runtime_, *llama_, all_on(graph, "cpu"), small(100)).forward(prompt),
               1e-5f);
}

TEST_F(SessionTest, TakesAHuggingFaceDeviceMap) {
  // Module-name prefixes as transformers writes them: the longest match wins.
  const DeviceMap map({{"", "cpu"}, {"model.layers.1", "disk"}, {"lm_head", "disk"}});
  Session session(*runtime_, *llama_, map, small());
  std::vector<std::string> expected = all_on(llama_->graph(), "cpu");
  expected[2] = "disk";
  expected.back() = "disk";
  EXPECT_EQ(session.targets(), expected);
  expect_close(session.forward(prompt),
               Session(*runtime_, *llama_, all_on(llama_->graph(), "cpu"), small()).forward(prompt), 1e-5f);
}

TEST_F(SessionTest, RejectsBadTargets) {
  std::vector<std::string> targets = all_on(llama_->graph(), "cpu");
  targets[3] = "nonexistent:7";
  EXPECT_THROW(Session(*runtime_, *llama_, targets, small()), Error);
  targets.pop_back();
  EXPECT_THROW(Session(*runtime_, *llama_, targets, small()), Error);
  // Random weights have no file to map.
  const ModelGraph& graph = llama_->graph();
  EXPECT_THROW(Session(*runtime_, graph, RandomWeights(1), all_on(graph, "disk"), small()), Error);
}

// Every parameter of `graph` in host memory, from RandomWeights(seed); `edit` may change a
// parameter's bytes before they are kept.
HostWeights random_host_weights(const ModelGraph& graph, std::uint64_t seed,
                                const std::function<void(const ParameterInfo&, std::vector<std::byte>&)>& edit = {}) {
  HostWeights host;
  const RandomWeights random(seed);
  for (const Unit& unit : graph.units)
    for (const ParameterInfo& parameter : unit.parameters) {
      std::vector<std::byte> bytes;
      random.read(parameter,
                  [&](std::span<const std::byte> piece) { bytes.insert(bytes.end(), piece.begin(), piece.end()); });
      if (edit) edit(parameter, bytes);
      host.set(parameter.name, std::move(bytes));
    }
  return host;
}

// A small Llama described in code, no config.json anywhere.
ModelConfig hand_config() {
  ModelConfig config;
  config.architecture = "LlamaForCausalLM";
  config.model_type = "llama";
  config.vocab_size = 64;
  config.hidden_size = 32;
  config.intermediate_size = 48;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.num_key_value_heads = 2;
  config.head_dim = 8;
  config.max_position_embeddings = 64;
  config.rms_norm_eps = 1e-5;
  config.dtype = DType::f32;
  return config;
}

TEST_F(SessionTest, RunsAHandBuiltGraphWithACustomUnit) {
  const ModelGraph plain = build_model_graph(hand_config());
  ModelGraph custom = plain;
  Unit gain;
  gain.name = "my.gain";
  gain.kind = UnitKind::custom;
  gain.parameters.push_back({"my.gain.weight", DType::f32, Shape{32}});
  custom.units.insert(custom.units.begin() + 2, gain);  // between the two layers

  // The plain graph's weights come from a generator; the custom unit's from host memory.
  HostWeights host = random_host_weights(plain, 3);
  auto run_with_gain = [&](float value) {
    const std::vector<float> gain_values(32, value);
    host.set_f32("my.gain.weight", gain_values);
    SessionOptions options;
    options.custom_units["my.gain"] = [](const CustomUnitContext& context) {
      context.queue.submit(ops::mul(context.input, context.weights.at("my.gain.weight"), context.output));
    };
    Session session(*runtime_, custom, host, all_on(custom, "cpu"), options);
    return session.forward(std::vector<std::int32_t>{1, 2, 3, 4});
  };
  Session reference(*runtime_, plain, host, all_on(plain, "cpu"), {});
  const std::vector<float> expected = reference.forward(std::vector<std::int32_t>{1, 2, 3, 4});
  expect_close(run_with_gain(1.0f), expected, 1e-6f);  // a gain of one changes nothing
  // A gain of zero empties the residual stream after layer 0: layer 1 then sees zeros.
  const std::vector<float> zeroed = run_with_gain(0.0f);
  EXPECT_GT(test::max_abs_difference(zeroed, expected.data(), expected.size()), 1e-3f);
  for (float value : zeroed) EXPECT_TRUE(std::isfinite(value));

  SessionOptions no_executor;
  EXPECT_THROW(Session(*runtime_, custom, host, all_on(custom, "cpu"), no_executor), Error);
}

TEST_F(SessionTest, RandomWeightsAreRepeatableInEveryDtype) {
  for (DType dtype : {DType::f32, DType::f16, DType::bf16}) {
    ModelConfig config = hand_config();
    config.dtype = dtype;
    const ModelGraph graph = build_model_graph(config);
    Session a(*runtime_, graph, RandomWeights(9), all_on(graph, "cpu"), {});
    Session b(*runtime_, graph, RandomWeights(9), all_on(graph, "cpu"), {});
    const std::vector<float> logits = a.forward(std::vector<std::int32_t>{5, 6, 7});
    expect_close(logits, b.forward(std::vector<std::int32_t>{5, 6, 7}), 0.0f);
    for (float value : logits) ASSERT_TRUE(std::isfinite(value));
  }
}

TEST_F(SessionTest, NonFiniteLogitsStopWithTheFirstUnitThatWentWrong) {
  const ModelGraph graph = build_model_graph(hand_config());
  // Every weight random, but one projection of layer 1 all NaN (0xff bytes are NaN in every float
  // dtype): layer 0's output is finite, layer 1's is not.
  HostWeights host = random_host_weights(graph, 5, [](const ParameterInfo& parameter, std::vector<std::byte>& bytes) {
    if (parameter.name == "model.layers.1.mlp.down_proj.weight") std::fill(bytes.begin(), bytes.end(), std::byte{0xff});
  });
  Session session(*runtime_, graph, host, all_on(graph, "cpu"), small(32));
  try {
    session.forward(std::vector<std::int32_t>{1, 2, 3});
    FAIL() << "non-finite logits went unnoticed";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::internal);
    EXPECT_NE(std::string(error.what()).find("the output of model.layers.1 on cpu is not finite"), std::string::npos)
        << error.what();
  }
  // generate() stops the same way instead of emitting token 0 forever.
  session.reset();
  EXPECT_THROW(generate(session, std::vector<std::int32_t>{1, 2, 3}, GenerateOptions{4, {}, {}, {}}), Error);
}

}  // namespace
}  // namespace strata
