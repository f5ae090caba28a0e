#include "calibration/reference_layer.hpp"

#include <strata/model.hpp>

namespace strata::detail {

ModelConfig reference_layer_config() {
  ModelConfig config;
  config.architecture = "LlamaForCausalLM";
  config.model_type = "llama";
  config.vocab_size = 256;
  config.hidden_size = 256;
  config.intermediate_size = 704;
  config.num_hidden_layers = 1;
  config.num_attention_heads = 4;
  config.num_key_value_heads = 2;
  config.head_dim = 64;
  config.max_position_embeddings = reference_layer_context;
  config.rms_norm_eps = 1e-5;
  config.dtype = DType::f16;
  return config;
}

const ModelGraph& reference_layer_graph() {
  static const ModelGraph graph = build_model_graph(reference_layer_config());
  return graph;
}

const Unit& reference_layer() { return reference_layer_graph().units.at(1); }

}  // namespace strata::detail
