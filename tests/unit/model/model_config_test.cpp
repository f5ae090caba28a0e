// config.json of the Llama family: the real configs of the sample models, the variants other
// checkpoints write, and the errors for what Strata cannot run.
#include <strata/error.hpp>
#include <strata/model.hpp>

#include <gtest/gtest.h>

#include <string>

namespace strata {
namespace {

const std::filesystem::path models = STRATA_SAMPLE_MODELS_DIR;
const std::filesystem::path reference_models = STRATA_REFERENCE_MODELS_DIR;

void expect_error(const std::string& json, StatusCode code, std::initializer_list<std::string> parts) {
  try {
    parse_model_config(json, "my/config.json");
    ADD_FAILURE() << "accepted " << json;
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), code) << error.what();
    const std::string message = error.what();
    EXPECT_NE(message.find("my/config.json"), std::string::npos) << message;
    for (const std::string& part : parts) EXPECT_NE(message.find(part), std::string::npos) << message;
  }
}

// A minimal Llama config with one field replaced or added.
std::string llama_with(const std::string& extra) {
  return R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 100, "hidden_size": 64,
             "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4)" +
         (extra.empty() ? std::string() : ", " + extra) + "}";
}

TEST(ModelConfig, ReadsTheDemoLlama) {
  const ModelConfig config = read_model_config(models / "tiny-llama-pystdlib");
  EXPECT_EQ(config.architecture, "LlamaForCausalLM");
  EXPECT_EQ(config.model_type, "llama");
  EXPECT_EQ(config.vocab_size, 256);
  EXPECT_EQ(config.hidden_size, 256);
  EXPECT_EQ(config.intermediate_size, 768);
  EXPECT_EQ(config.num_hidden_layers, 8);
  EXPECT_EQ(config.num_attention_heads, 8);
  EXPECT_EQ(config.num_key_value_heads, 4);
  EXPECT_EQ(config.head_dim, 32);
  EXPECT_EQ(config.max_position_embeddings, 1024);
  EXPECT_DOUBLE_EQ(config.rms_norm_eps, 1e-5);
  EXPECT_DOUBLE_EQ(config.rope_theta, 10000.0);  // under rope_parameters
  EXPECT_FALSE(config.attention_bias);
  EXPECT_FALSE(config.mlp_bias);
  EXPECT_FALSE(config.tie_word_embeddings);
  EXPECT_EQ(config.dtype, DType::bf16);
  EXPECT_FALSE(config.bos_token_id.has_value());
  EXPECT_TRUE(config.eos_token_ids.empty());
  EXPECT_EQ(config.context_limit(), 1024);
}

TEST(ModelConfig, ReadsTheQwen2WithBiasesAndTiedEmbeddings) {
  const ModelConfig config = read_model_config(models / "tiny-qwen2-random" / "config.json");
  EXPECT_EQ(config.model_type, "qwen2");
  EXPECT_TRUE(config.attention_bias);  // Qwen2 always biases q, k, v
  EXPECT_TRUE(config.tie_word_embeddings);
  EXPECT_DOUBLE_EQ(config.rope_theta, 1000000.0);
  EXPECT_DOUBLE_EQ(config.rms_norm_eps, 1e-6);
  EXPECT_EQ(config.head_dim, 32);  // hidden 128 / 4 heads
  EXPECT_EQ(config.num_key_value_heads, 2);
  EXPECT_EQ(config.dtype, DType::f32);
  EXPECT_FALSE(config.sliding_window.has_value());
  EXPECT_EQ(config.context_limit(), 512);
}

TEST(ModelConfig, ReadsTransformers4Spellings) {
  const ModelConfig config = parse_model_config(
      llama_with(R"("rope_theta": 500000.0, "rope_scaling": null, "torch_dtype": "float16", "eos_token_id": [5, 7],
                    "bos_token_id": 1, "num_key_value_heads": 2, "attention_bias": true, "mlp_bias": true)"));
  EXPECT_DOUBLE_EQ(config.rope_theta, 500000.0);
  EXPECT_EQ(config.dtype, DType::f16);
  EXPECT_EQ(config.eos_token_ids, (std::vector<std::int64_t>{5, 7}));
  EXPECT_EQ(config.bos_token_id, 1);
  EXPECT_EQ(config.head_dim, 16);
  EXPECT_EQ(config.num_key_value_heads, 2);
  EXPECT_TRUE(config.attention_bias);
  EXPECT_TRUE(config.mlp_bias);
  EXPECT_EQ(config.max_position_embeddings, 2048);  // Llama's default
}

TEST(ModelConfig, ArchitectureFromModelTypeAndMistralWindow) {
  const ModelConfig config = parse_model_config(
      R"({"model_type": "mistral", "vocab_size": 100, "hidden_size": 64, "intermediate_size": 128,
          "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 8,
          "max_position_embeddings": 32768, "sliding_window": 4096})");
  EXPECT_EQ(config.architecture, "MistralForCausalLM");
  EXPECT_EQ(config.head_dim, 8);
  EXPECT_EQ(config.sliding_window, 4096);
  EXPECT_EQ(config.sliding_layers, std::vector<bool>(2, true));  // every Mistral layer slides
  EXPECT_EQ(config.context_limit(), 32768);                      // the window no longer caps it
}

TEST(ModelConfig, RejectsMissingAndMistypedFields) {
  expect_error(R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 10})", StatusCode::invalid_argument,
               {"'hidden_size'", "missing"});
  expect_error(llama_with(R"("rms_norm_eps": "small")"), StatusCode::invalid_argument, {"'rms_norm_eps'", "number"});
  expect_error(R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 100.0, "hidden_size": 64})",
               StatusCode::invalid_argument, {"'vocab_size'", "integer"});
  expect_error(llama_with(R"("num_key_value_heads": 3)"), StatusCode::invalid_argument,
               {"'num_key_value_heads'", "divide"});
  expect_error(llama_with(R"("tie_word_embeddings": 1)"), StatusCode::invalid_argument, {"'tie_word_embeddings'"});
  expect_error(llama_with(R"("max_position_embeddings": -5)"), StatusCode::invalid_argument,
               {"'max_position_embeddings'"});
  expect_error(llama_with(R"("head_dim": 7)"), StatusCode::invalid_argument, {"'head_dim'", "even"});
  expect_error(llama_with(R"("eos_token_id": 100)"), StatusCode::invalid_argument, {"'eos_token_id'"});
  expect_error(R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 1, "hidden_size": 10, "intermediate_size": 4,
                   "num_hidden_layers": 100000000000, "num_attention_heads": 2})",
               StatusCode::invalid_argument, {"'num_hidden_layers'"});
  expect_error("{\"vocab_size\": ", StatusCode::invalid_argument, {"not valid JSON"});
  expect_error("[1]", StatusCode::invalid_argument, {"JSON object"});
}

// Issue 14: rope_theta 1e-300 passed and failed at run time inside the CPU backend. Every value
// is checked when config.json is read; the message gives the field, the value and the range.
TEST(ModelConfig, RefusesValuesOutsideTheirSaneRanges) {
  expect_error(llama_with(R"("rope_theta": 1e-300)"), StatusCode::invalid_argument,
               {"'rope_theta'", "must lie in 1..1e+12, got 1e-300"});
  expect_error(llama_with(R"("rope_parameters": {"rope_type": "default", "rope_theta": 0})"),
               StatusCode::invalid_argument, {"'rope_parameters.rope_theta'", "got 0"});
  expect_error(llama_with(R"("rope_theta": 1e13)"), StatusCode::invalid_argument,
               {"'rope_theta'", "must lie in 1..1e+12, got 10000000000000"});
  expect_error(llama_with(R"("rms_norm_eps": 0)"), StatusCode::invalid_argument,
               {"'rms_norm_eps'", "must lie in 1e-30..0.5", "got 0"});
  expect_error(llama_with(R"("rms_norm_eps": -1e-5)"), StatusCode::invalid_argument, {"'rms_norm_eps'", "got -1e-05"});
  expect_error(llama_with(R"("rms_norm_eps": 1e-40)"), StatusCode::invalid_argument, {"'rms_norm_eps'", "got 1e-40"});
  expect_error(llama_with(R"("partial_rotary_factor": 3)"), StatusCode::invalid_argument,
               {"'partial_rotary_factor'", "must lie in 0..1, got 3"});
  expect_error(R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 16777217, "hidden_size": 64})",
               StatusCode::invalid_argument, {"'vocab_size'", "must lie in 1..16777216, got 16777217"});
  expect_error(R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 18446744073709551615, "hidden_size": 64})",
               StatusCode::invalid_argument, {"'vocab_size'", "got 18446744073709551615"});
  expect_error(llama_with(R"("head_dim": 1048576)"), StatusCode::invalid_argument,
               {"'head_dim'", "times num_attention_heads"});
  expect_error(R"({"architectures": ["LlamaForCausalLM"], "vocab_size": 100, "hidden_size": 66,
                   "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4})",
               StatusCode::invalid_argument, {"'hidden_size'", "(66) must be a multiple of num_attention_heads (4)"});
  // The values real models use all pass.
  const ModelConfig config =
      parse_model_config(llama_with(R"("rope_theta": 3580165449.0, "rms_norm_eps": 1e-6, "num_key_value_heads": 1)"));
  EXPECT_DOUBLE_EQ(config.rope_theta, 3580165449.0);
}

TEST(ModelConfig, ReadsQwen3WithItsQkNormsAndOwnHeadDim) {
  const ModelConfig config = read_model_config(reference_models / "tiny-qwen3-random");
  EXPECT_EQ(config.architecture, "Qwen3ForCausalLM");
  EXPECT_TRUE(config.qk_norm);
  EXPECT_FALSE(config.attention_bias);  // Qwen3 reads attention_bias, unlike Qwen2
  EXPECT_EQ(config.head_dim, 32);       // given, not hidden / heads (16)
  EXPECT_EQ(config.rotary_dimensions(), 32);
  EXPECT_FALSE(config.fused_projections);
}

TEST(ModelConfig, ReadsPhi3WithFusedProjectionsAndPartialRotation) {
  const ModelConfig config = read_model_config(reference_models / "tiny-phi3-random");
  EXPECT_EQ(config.architecture, "Phi3ForCausalLM");
  EXPECT_TRUE(config.fused_projections);
  EXPECT_EQ(config.rotary_dim, 12);  // 0.75 x 16
  EXPECT_FALSE(config.qk_norm);
  // As transformers truncates: 0.6 x 64 = 38.4 -> 38; an odd count cannot rotate in pairs.
  EXPECT_EQ(parse_model_config(llama_with(R"("head_dim": 64, "partial_rotary_factor": 0.6)")).rotary_dim, 38);
  expect_error(llama_with(R"("head_dim": 16, "partial_rotary_factor": 0.7)"), StatusCode::invalid_argument,
               {"'partial_rotary_factor'", "gives 11 rotating features"});
  expect_error(llama_with(R"("rope_parameters": {"rope_theta": 1e4, "partial_rotary_factor": 0.01})"),
               StatusCode::invalid_argument, {"gives 0 rotating features"});
}

TEST(ModelConfig, ReadsTheLlama3RopeScaling) {
  const ModelConfig config = read_model_config(reference_models / "tiny-llama3-random");
  EXPECT_EQ(config.rope_scaling.type, "llama3");
  EXPECT_DOUBLE_EQ(config.rope_scaling.factor, 8.0);
  EXPECT_DOUBLE_EQ(config.rope_scaling.low_freq_factor, 1.0);
  EXPECT_DOUBLE_EQ(config.rope_scaling.high_freq_factor, 4.0);
  EXPECT_EQ(config.rope_scaling.original_max_position_embeddings, 64);
  EXPECT_DOUBLE_EQ(config.rope_theta, 500000.0);
  EXPECT_TRUE(config.rope_needs_table());
  // Under transformers 4's names, and with what it needs missing or out of order.
  const ModelConfig v4 = parse_model_config(llama_with(
      R"("rope_theta": 500000.0, "rope_scaling": {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
          "high_freq_factor": 4.0, "original_max_position_embeddings": 8192})"));
  EXPECT_DOUBLE_EQ(v4.rope_scaling.factor, 32.0);
  EXPECT_EQ(v4.rope_scaling.original_max_position_embeddings, 8192);
  expect_error(llama_with(R"("rope_scaling": {"rope_type": "llama3", "factor": 8.0})"), StatusCode::invalid_argument,
               {"'rope_scaling.low_freq_factor'", "is missing"});
  expect_error(llama_with(R"("rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 4.0,
                                              "high_freq_factor": 1.0, "original_max_position_embeddings": 64})"),
               StatusCode::invalid_argument, {"'rope_scaling.high_freq_factor'", "must exceed low_freq_factor"});
  expect_error(llama_with(R"("rope_scaling": {"rope_type": "linear", "factor": -2})"), StatusCode::invalid_argument,
               {"'rope_scaling.factor'", "got -2"});
}

TEST(ModelConfig, ReadsGemma3LayerTypesRopePerTypeAndNorms) {
  const ModelConfig config = read_model_config(reference_models / "tiny-gemma3-random");
  EXPECT_EQ(config.architecture, "Gemma3ForCausalLM");
  EXPECT_EQ(config.sliding_window, 8);
  EXPECT_EQ(config.sliding_layers, (std::vector<bool>{true, false, true, false}));
  EXPECT_TRUE(config.is_sliding_layer(2));
  EXPECT_FALSE(config.is_sliding_layer(3));
  EXPECT_EQ(config.rope_scaling.type, "linear");
  EXPECT_DOUBLE_EQ(config.rope_scaling.factor, 4.0);
  EXPECT_DOUBLE_EQ(config.rope_theta, 1000000.0);
  EXPECT_EQ(config.sliding_rope_theta, 10000.0);
  EXPECT_TRUE(config.qk_norm);
  EXPECT_TRUE(config.sandwich_norms);
  EXPECT_DOUBLE_EQ(config.norm_weight_offset, 1.0);
  EXPECT_DOUBLE_EQ(config.embedding_scale, 8.0);  // sqrt(64)
  EXPECT_EQ(config.query_pre_attn_scalar, 24.0);
  EXPECT_EQ(config.hidden_act, "gelu_pytorch_tanh");
  EXPECT_DOUBLE_EQ(config.attn_logit_softcapping, 0.0);  // null in the file
  // transformers 4's names: rope_local_base_freq and rope_scaling, the default pattern of 6.
  const ModelConfig v4 = parse_model_config(
      R"({"architectures": ["Gemma3ForCausalLM"], "vocab_size": 100, "hidden_size": 64, "intermediate_size": 128,
          "num_hidden_layers": 7, "num_attention_heads": 4, "head_dim": 16, "sliding_window": 512,
          "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0,
          "rope_scaling": {"rope_type": "linear", "factor": 8.0}})");
  EXPECT_EQ(v4.sliding_layers, (std::vector<bool>{true, true, true, true, true, false, true}));
  EXPECT_EQ(v4.sliding_rope_theta, 10000.0);
  EXPECT_DOUBLE_EQ(v4.rope_scaling.factor, 8.0);
  EXPECT_EQ(v4.query_pre_attn_scalar, 256.0);  // transformers' default
}

TEST(ModelConfig, ReadsGemma2SoftCapping) {
  const ModelConfig config = read_model_config(reference_models / "tiny-gemma2-random");
  EXPECT_DOUBLE_EQ(config.attn_logit_softcapping, 50.0);
  EXPECT_DOUBLE_EQ(config.final_logit_softcapping, 30.0);
  EXPECT_FALSE(config.qk_norm);
  EXPECT_FALSE(config.rope_needs_table());
  EXPECT_EQ(config.sliding_layers, (std::vector<bool>{true, false, true, false}));
}

TEST(ModelConfig, RefusesSlidingLayersItCannotPlace) {
  expect_error(llama_with(R"("layer_types": ["full_attention", "chunked_attention"])"), StatusCode::unsupported,
               {"'layer_types'", "'chunked_attention'"});
  expect_error(llama_with(R"("layer_types": ["full_attention"])"), StatusCode::invalid_argument,
               {"'layer_types'", "one type per layer (2)"});
  expect_error(llama_with(R"("layer_types": ["sliding_attention", "full_attention"])"), StatusCode::invalid_argument,
               {"'sliding_window'", "is missing"});
  expect_error(R"({"architectures": ["Qwen2ForCausalLM"], "vocab_size": 100, "hidden_size": 64,
                   "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
                   "use_sliding_window": true, "sliding_window": 64})",
               StatusCode::unsupported, {"'use_sliding_window'", "without layer_types"});
  expect_error(llama_with(R"("hidden_act": "relu2")"), StatusCode::unsupported, {"'hidden_act'", "relu2"});
}

TEST(ModelConfig, RefusesKeysGivenTwiceAndDeepNesting) {
  expect_error(llama_with(R"("rope_theta": 10000, "rope_theta": 1e-300)"), StatusCode::invalid_argument,
               {"not valid JSON", "the key 'rope_theta' is given twice in the top-level object"});
  expect_error(llama_with(R"("rope_scaling": {"rope_type": "default", "rope_type": "llama3"})"),
               StatusCode::invalid_argument, {"the key 'rope_type' is given twice in the object at /rope_scaling"});
  expect_error(llama_with(R"("quantization_config": )" + std::string(1000, '[') + std::string(1000, ']')),
               StatusCode::invalid_argument, {"nest more than 64 levels"});
}

TEST(ModelConfig, EscapesWhatTheFileSaysInMessages) {
  try {
    parse_model_config(llama_with(R"("hidden_act": "\u001b[2J\u001b[31mgelu")"), "my/config.json");
    ADD_FAILURE();
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
    EXPECT_NE(message.find("'\\x1b[2J\\x1b[31mgelu'"), std::string::npos) << message;
  }
}

TEST(ModelConfig, RefusesWhatTheOpSetCannotRun) {
  expect_error(R"({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2"})", StatusCode::unsupported,
               {"GPT2LMHeadModel", "LlamaForCausalLM"});
  expect_error(llama_with(R"("rope_scaling": {"rope_type": "dynamic", "factor": 8.0})"), StatusCode::unsupported,
               {"rope_scaling.rope_type", "'dynamic'", "'default', 'linear' and 'llama3'"});
  expect_error(llama_with(R"("rope_parameters": {"rope_type": "longrope", "rope_theta": 10000})"),
               StatusCode::unsupported, {"rope_parameters.rope_type", "longrope"});
  expect_error(llama_with(R"("rope_parameters": {"rope_type": "yarn", "rope_theta": 10000})"), StatusCode::unsupported,
               {"yarn"});
  expect_error(llama_with(R"("hidden_act": "gelu")"), StatusCode::unsupported, {"'hidden_act'", "gelu"});
  expect_error(llama_with(R"("dtype": "float64")"), StatusCode::unsupported, {"'dtype'", "float64"});
}

}  // namespace
}  // namespace strata
