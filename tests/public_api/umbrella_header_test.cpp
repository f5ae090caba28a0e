// <strata/strata.hpp> alone gives the whole public C++ API: this file includes nothing else of
// Strata's and uses one symbol of each public header, so a header left out fails the build.
#include <strata/strata.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

TEST(UmbrellaHeader, GivesEveryPublicHeader) {
  // types.hpp, error.hpp
  EXPECT_EQ(strata::parse_size("1KiB"), 1024u);
  EXPECT_EQ(strata::to_string(strata::StatusCode::unsupported), "unsupported");
  // log.hpp
  EXPECT_EQ(strata::parse_log_level("warning"), strata::LogLevel::warning);
  // model_graph.hpp, model.hpp
  strata::ModelConfig config;
  config.architecture = "LlamaForCausalLM";
  config.model_type = "llama";
  config.vocab_size = 256;
  config.hidden_size = 64;
  config.intermediate_size = 128;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 4;
  config.num_key_value_heads = 2;
  config.head_dim = 16;
  config.max_position_embeddings = 128;
  const strata::ModelGraph graph = strata::build_model_graph(config);
  EXPECT_EQ(graph.units.size(), 5u);
  strata::validate_model_graph(graph);
  // device_map.hpp
  const std::vector<std::string> targets(graph.units.size(), "cpu");
  EXPECT_EQ(strata::DeviceMap::from_targets(graph, targets).entries().at(""), "cpu");
  // generate.hpp, generation_config.hpp, text_generation.hpp, chat_template.hpp, tokenizer.hpp
  EXPECT_EQ(strata::byte_tokens_to_text(strata::text_to_byte_tokens("abc")), "abc");
  EXPECT_EQ(strata::GenerationConfig::from_json(R"({"eos_token_id": 2})").generate_options().stop_tokens,
            std::vector<std::int32_t>{2});
  EXPECT_EQ(strata::StopStringMatcher({"b"}).push("abc"), "a");
  const std::vector<strata::ChatMessage> messages = {{"user", "hi"}};
  EXPECT_EQ(strata::ChatTemplate("{{ messages[0].content }}").apply(messages), "hi");
  EXPECT_THROW(strata::Tokenizer::from_json("{}"), strata::Error);
  // planner.hpp, device.hpp
  strata::DeviceInfo cpu;
  cpu.name = "cpu";
  cpu.memory_total = cpu.memory_free = 1ull << 30;
  cpu.dtypes = {strata::DType::f32};
  EXPECT_EQ(strata::plan(graph, {cpu}, "cpu").targets, targets);
  // checkpoint.hpp
  EXPECT_THROW(strata::Checkpoint::open("/nonexistent/strata-model"), strata::Error);
  // calibration.hpp
  EXPECT_GT(strata::CalibrationOptions{}.seconds_per_step, 0.0);
  // runtime.hpp, queue.hpp, ops.hpp, session.hpp
  strata::RuntimeOptions options;
  options.load_environment_plugins = false;
  const strata::Runtime runtime(options);
  const strata::Device device = runtime.device("cpu");
  strata::Queue queue = device.create_queue();
  strata::Tensor a(device, strata::DType::f32, {4});
  strata::Tensor b(device, strata::DType::f32, {4});
  EXPECT_TRUE(device.supports(strata::ops::silu(a, b)));
  EXPECT_EQ(strata::SessionOptions{}.max_batch_tokens, 128);
  // loaded_model.hpp
  EXPECT_FALSE(strata::LoadOptions{}.cancel.cancelled());
}

}  // namespace
