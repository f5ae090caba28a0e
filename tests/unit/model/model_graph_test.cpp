// The Llama-family ModelGraph: Hugging Face names, the numbers planners use, checked against
// what the checkpoints themselves declare; and the validation of graphs built by hand.
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace strata {
namespace {

const std::filesystem::path models = STRATA_SAMPLE_MODELS_DIR;

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream stream(path);
  return nlohmann::json::parse(stream);
}

// The data section size of a safetensors file: the bytes of all its tensors.
std::uint64_t data_section_bytes(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  unsigned char length[8];
  stream.read(reinterpret_cast<char*>(length), 8);
  std::uint64_t header = 0;
  for (int i = 7; i >= 0; --i) header = (header << 8) | length[i];
  return std::filesystem::file_size(path) - 8 - header;
}

void expect_invalid(const ModelGraph& graph, std::initializer_list<std::string> parts) {
  try {
    validate_model_graph(graph);
    ADD_FAILURE() << "accepted an invalid graph";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), StatusCode::invalid_argument);
    for (const std::string& part : parts)
      EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
  }
}

TEST(ModelGraph, LlamaUnitsInExecutionOrderWithHuggingFaceNames) {
  const ModelGraph graph = build_model_graph(read_model_config(models / "tiny-llama-pystdlib"));
  ASSERT_EQ(graph.units.size(), 11u);
  EXPECT_EQ(graph.units[0].name, "model.embed_tokens");
  EXPECT_EQ(graph.units[0].kind, UnitKind::embedding);
  for (int layer = 0; layer < 8; ++layer) {
    EXPECT_EQ(graph.units[1 + layer].name, "model.layers." + std::to_string(layer));
    EXPECT_EQ(graph.units[1 + layer].kind, UnitKind::decoder_layer);
    EXPECT_EQ(graph.units[1 + layer].parameters.size(), 9u);  // no biases
  }
  EXPECT_EQ(graph.units[9].name, "model.norm");
  EXPECT_EQ(graph.units[10].name, "lm_head");
  EXPECT_TRUE(graph.units[10].tied_to.empty());
  EXPECT_EQ(graph.find("model.layers.3"), &graph.units[4]);
  EXPECT_EQ(graph.find("model.layers.30"), nullptr);
  EXPECT_NO_THROW(validate_model_graph(graph));
}

TEST(ModelGraph, LlamaSizesMatchTheCheckpointIndex) {
  const ModelGraph graph = build_model_graph(read_model_config(models / "tiny-llama-pystdlib"));
  const nlohmann::json index = read_json(models / "tiny-llama-pystdlib" / "model.safetensors.index.json");
  EXPECT_EQ(graph.parameter_bytes(), index["metadata"]["total_size"].get<std::uint64_t>());
  std::uint64_t parameters = 0;
  for (const Unit& unit : graph.units)
    for (const ParameterInfo& parameter : unit.parameters)
      parameters += static_cast<std::uint64_t>(parameter.shape.elements());
  EXPECT_EQ(parameters, index["metadata"]["total_parameters"].get<std::uint64_t>());
  // Every tensor of the index is a parameter of the graph, and the other way round.
  EXPECT_EQ(index["weight_map"].size(), 2u + 8u * 9u + 1u);
  for (const auto& [name, file] : index["weight_map"].items()) {
    bool found = false;
    for (const Unit& unit : graph.units) found = found || unit.find_parameter(name) != nullptr;
    EXPECT_TRUE(found) << name;
  }
}

TEST(ModelGraph, PerTokenNumbersForPlanners) {
  const ModelGraph graph = build_model_graph(read_model_config(models / "tiny-llama-pystdlib"));
  const Unit& embedding = graph.units[0];
  const Unit& layer = graph.units[1];
  const Unit& head = graph.units[10];
  EXPECT_EQ(embedding.weight_bytes_read_per_token, 256u * 2u);  // one bf16 row
  EXPECT_EQ(embedding.activation_bytes, 256u * 4u);
  // K and V: 4 KV heads x 32 dims x 4 bytes each.
  EXPECT_EQ(layer.kv_bytes_per_token, 2u * 4u * 32u * 4u);
  EXPECT_EQ(layer.weight_bytes_read_per_token, layer.parameter_bytes());
  const double matrices = 256.0 * 256 + 2 * 128.0 * 256 + 256.0 * 256 + 3 * 768.0 * 256;
  EXPECT_GE(layer.flops_per_token, 2 * matrices);
  EXPECT_LT(layer.flops_per_token, 2 * matrices * 1.05);
  EXPECT_DOUBLE_EQ(layer.flops_per_token_per_context, 4.0 * 8 * 32);
  EXPECT_EQ(head.activation_bytes, 256u * 4u);
  EXPECT_DOUBLE_EQ(head.flops_per_token, 2.0 * 256 * 256);
  EXPECT_EQ(graph.kv_bytes_per_token(), 8u * 1024u);
}

TEST(ModelGraph, Qwen2TiesTheHeadAndBiasesQkv) {
  const ModelGraph graph = build_model_graph(read_model_config(models / "tiny-qwen2-random"));
  const Unit& head = graph.units.back();
  EXPECT_EQ(head.tied_to, "model.embed_tokens");
  ASSERT_EQ(head.parameters.size(), 1u);
  EXPECT_EQ(head.parameters[0].name, "model.embed_tokens.weight");
  const Unit& layer = graph.units[1];
  EXPECT_NE(layer.find_parameter("model.layers.0.self_attn.q_proj.bias"), nullptr);
  EXPECT_NE(layer.find_parameter("model.layers.0.self_attn.v_proj.bias"), nullptr);
  EXPECT_EQ(layer.find_parameter("model.layers.0.self_attn.o_proj.bias"), nullptr);
  // The tied weight counts once: the sum is the file's data section.
  EXPECT_EQ(graph.parameter_bytes(), data_section_bytes(models / "tiny-qwen2-random" / "model.safetensors"));
  EXPECT_EQ(head.parameter_bytes(), 512u * 128u * 4u);  // but the head's device needs it too
}

TEST(ModelGraph, LlamaAttentionBiasCoversTheOutputProjection) {
  ModelConfig config = read_model_config(models / "tiny-llama-pystdlib");
  config.attention_bias = true;
  config.mlp_bias = true;
  const ModelGraph graph = build_model_graph(config);
  EXPECT_EQ(graph.units[1].parameters.size(), 9u + 4u + 3u);
  EXPECT_NE(graph.units[1].find_parameter("model.layers.0.self_attn.o_proj.bias"), nullptr);
  EXPECT_NE(graph.units[1].find_parameter("model.layers.0.mlp.down_proj.bias"), nullptr);
}

TEST(ModelGraph, ValidationNamesWhatAHandBuiltGraphGetsWrong) {
  const ModelGraph good = build_model_graph(read_model_config(models / "tiny-llama-pystdlib"));

  ModelGraph missing = good;
  missing.units[2].parameters.erase(missing.units[2].parameters.begin() + 1);
  expect_invalid(missing, {"model.layers.1", "lacks", "q_proj.weight"});

  ModelGraph reshaped = good;
  reshaped.units[3].parameters[0].shape = Shape{255};
  expect_invalid(reshaped, {"model.layers.2.input_layernorm.weight", "[255]", "[256]"});

  ModelGraph extra = good;
  extra.units[1].parameters.push_back({"model.layers.0.extra.weight", DType::f32, Shape{4}});
  expect_invalid(extra, {"model.layers.0.extra.weight", "does not call for"});

  ModelGraph twice = good;
  twice.units[2].name = "model.layers.0";
  expect_invalid(twice, {"'model.layers.0'", "twice"});

  ModelGraph headless = good;
  headless.units.pop_back();
  expect_invalid(headless, {"lm_head"});

  ModelGraph bad_sizes = good;
  bad_sizes.config.num_key_value_heads = 3;
  expect_invalid(bad_sizes, {"kv heads"});

  // A custom unit may hold anything; its executor is the session's business.
  ModelGraph custom = good;
  Unit scale;
  scale.name = "my.scale";
  scale.kind = UnitKind::custom;
  scale.parameters.push_back({"my.scale.weight", DType::f32, Shape{256}});
  custom.units.insert(custom.units.begin() + 5, scale);
  EXPECT_NO_THROW(validate_model_graph(custom));
}

}  // namespace
}  // namespace strata
