// config.json of the Llama family and its relatives -> ModelConfig, strictly: a field of the
// wrong type or out of range is an error naming the file and the field, never a silent default.
#include "model/config_limits.hpp"
#include "model/config_reader.hpp"
#include "model/rope_config.hpp"

#include <strata/error.hpp>
#include <strata/model.hpp>

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/printable.hpp>
#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace strata {
namespace {

using detail::ConfigReader;
using nlohmann::json;
using safe_io::printable;

namespace limits = detail::config_limits;

struct Architecture {
  std::string_view name;
  std::string_view model_type;
  std::int64_t default_max_positions;
};

constexpr Architecture architectures[] = {
    {"LlamaForCausalLM", "llama", 2048},
    {"MistralForCausalLM", "mistral", 4096 * 32},
    {"Qwen2ForCausalLM", "qwen2", 32768},
    {"Qwen3ForCausalLM", "qwen3", 32768},
    {"Phi3ForCausalLM", "phi3", 4096},
    {"Gemma2ForCausalLM", "gemma2", 8192},
    {"Gemma3ForCausalLM", "gemma3_text", 131072},
};

bool is_gemma(const ModelConfig& config) { return config.model_type == "gemma2" || config.model_type == "gemma3_text"; }

const Architecture& find_architecture(const ConfigReader& reader, const json& root, std::string_view source) {
  std::string name;
  if (const json* list = reader.get("architectures")) {
    if (!list->is_array() || list->empty()) reader.fail("architectures", "must be a non-empty list of names");
    name = reader.text(&list->front(), "architectures");
  }
  std::string model_type;
  if (const json* value = reader.get("model_type")) model_type = reader.text(value, "model_type");
  for (const Architecture& architecture : architectures)
    if ((!name.empty() && architecture.name == name) || (name.empty() && architecture.model_type == model_type))
      return architecture;
  (void)root;
  std::string known;
  for (const Architecture& architecture : architectures)
    known += fmt::format("{}{}", known.empty() ? "" : ", ", architecture.name);
  throw Error(StatusCode::unsupported,
              fmt::format("{}: architecture '{}' (model_type '{}') is not supported; Strata runs {}", source,
                          name.empty() ? "(none)" : printable(name),
                          model_type.empty() ? "(none)" : printable(model_type), known));
}

DType read_dtype(const ConfigReader& reader) {
  for (std::string_view field : {"dtype", "torch_dtype"}) {
    const json* value = reader.get(field);
    if (!value) continue;
    const std::string name = reader.text(value, field);
    const std::optional<DType> dtype = parse_dtype(name);
    if (!dtype || *dtype == DType::i32)
      reader.fail(field, fmt::format("is '{}'; weights must be float32, float16 or bfloat16", printable(name)),
                  StatusCode::unsupported);
    return *dtype;
  }
  return DType::f32;
}

std::vector<std::int64_t> read_token_ids(const ConfigReader& reader, std::string_view field, std::int64_t vocab) {
  const json* value = reader.get(field);
  if (!value) return {};
  std::vector<std::int64_t> ids;
  if (value->is_array()) {
    for (const json& item : *value) ids.push_back(reader.integer(&item, field, 0, vocab - 1));
  } else {
    ids.push_back(reader.integer(value, field, 0, vocab - 1));
  }
  return ids;
}

// Gemma names it hidden_activation; transformers maps "swish" to silu.
void read_activation(const ConfigReader& reader, ModelConfig& config) {
  for (std::string_view field : {"hidden_act", "hidden_activation"})
    if (const json* value = reader.get(field)) config.hidden_act = reader.text(value, field);
  if (config.hidden_act == "swish") config.hidden_act = "silu";
  if (config.hidden_act != "silu" && config.hidden_act != "gelu_pytorch_tanh")
    reader.fail("hidden_act",
                fmt::format("is '{}'; Strata runs 'silu' and 'gelu_pytorch_tanh'", printable(config.hidden_act)),
                StatusCode::unsupported);
}

// Which layers attend over the last sliding_window positions only: layer_types when the config
// lists them (transformers 5), else every layer of Mistral and Phi-3 and Gemma's default pattern.
void read_sliding_layers(const ConfigReader& reader, ModelConfig& config) {
  const auto layers = static_cast<std::size_t>(config.num_hidden_layers);
  std::vector<bool> sliding(layers, false);
  if (const json* types = reader.get("layer_types")) {
    if (!types->is_array() || types->size() != layers)
      reader.fail("layer_types", fmt::format("must list one type per layer ({})", layers));
    for (std::size_t layer = 0; layer < layers; ++layer) {
      const std::string type = reader.text(&(*types)[layer], "layer_types");
      if (type != "full_attention" && type != "sliding_attention")
        reader.fail(
            "layer_types",
            fmt::format("lists '{}'; Strata runs 'full_attention' and 'sliding_attention' layers", printable(type)),
            StatusCode::unsupported);
      sliding[layer] = type == "sliding_attention";
    }
  } else if (config.model_type == "mistral" || config.model_type == "phi3") {
    sliding.assign(layers, true);
  } else if (is_gemma(config)) {
    // Gemma 2 alternates, starting sliding; Gemma 3 has one full layer in sliding_window_pattern.
    const std::int64_t pattern = reader.optional_integer(
        "sliding_window_pattern", config.model_type == "gemma2" ? 2 : 6, 1, static_cast<std::int64_t>(layers));
    for (std::size_t layer = 0; layer < layers; ++layer)
      sliding[layer] = (static_cast<std::int64_t>(layer) + 1) % pattern != 0;
  } else if (reader.boolean("use_sliding_window", false)) {
    reader.fail("use_sliding_window", "is true without layer_types saying which layers slide", StatusCode::unsupported);
  }
  if (std::find(sliding.begin(), sliding.end(), true) == sliding.end()) return;
  const json* window = reader.get("sliding_window");
  if (!window) {
    if (reader.get("layer_types") || is_gemma(config))
      reader.fail("sliding_window", "is missing while some layers slide");
    return;  // Mistral and Phi-3 without a window attend over everything
  }
  config.sliding_window = reader.integer(window, "sliding_window", 1, limits::max_positions);
  config.sliding_layers = std::move(sliding);
}

void read_gemma_fields(const ConfigReader& reader, ModelConfig& config) {
  config.norm_weight_offset = 1.0;
  config.sandwich_norms = true;
  config.embedding_scale = std::sqrt(static_cast<double>(config.hidden_size));
  // transformers' defaults when a field is absent: 256 for the scalar; Gemma 2 caps at 50 and 30.
  const json* scalar = reader.get("query_pre_attn_scalar");
  config.query_pre_attn_scalar = scalar ? reader.real(scalar, "query_pre_attn_scalar", 1e-6, 1e9) : 256.0;
  const bool gemma2 = config.model_type == "gemma2";
  auto cap = [&](std::string_view field, double fallback) {
    if (!reader.get(field)) return reader.root().contains(field) ? 0.0 : fallback;  // null: no capping
    return reader.real(reader.get(field), field, 1e-6, 1e9);
  };
  config.attn_logit_softcapping = cap("attn_logit_softcapping", gemma2 ? 50.0 : 0.0);
  config.final_logit_softcapping = cap("final_logit_softcapping", gemma2 ? 30.0 : 0.0);
}

}  // namespace

ModelConfig parse_model_config(std::string_view json_text, std::string_view source) {
  std::string why;
  const std::optional<json> parsed = safe_io::parse_bounded_json(json_text, why);
  if (!parsed) throw Error(StatusCode::invalid_argument, fmt::format("{}: not valid JSON: {}", source, why));
  const json& root = *parsed;
  if (!root.is_object()) throw Error(StatusCode::invalid_argument, fmt::format("{}: must hold a JSON object", source));
  const ConfigReader reader(root, source);

  ModelConfig config;
  const Architecture& architecture = find_architecture(reader, root, source);
  config.architecture = std::string(architecture.name);
  config.model_type = std::string(architecture.model_type);

  config.vocab_size = reader.required_integer("vocab_size", 1, limits::max_vocab);
  config.hidden_size = reader.required_integer("hidden_size", 1, limits::max_width);
  config.intermediate_size = reader.required_integer("intermediate_size", 1, limits::max_width);
  config.num_hidden_layers = reader.required_integer("num_hidden_layers", 1, limits::max_layers);
  config.num_attention_heads = reader.required_integer("num_attention_heads", 1, limits::max_heads);
  config.num_key_value_heads =
      reader.optional_integer("num_key_value_heads", config.num_attention_heads, 1, config.num_attention_heads);
  if (config.num_attention_heads % config.num_key_value_heads != 0)
    reader.fail("num_key_value_heads", fmt::format("({}) must divide num_attention_heads ({})",
                                                   config.num_key_value_heads, config.num_attention_heads));
  if (reader.get("head_dim")) {
    config.head_dim = reader.required_integer("head_dim", 2, limits::max_width);
  } else {
    if (config.hidden_size % config.num_attention_heads != 0)
      reader.fail("hidden_size", fmt::format("({}) must be a multiple of num_attention_heads ({}) when head_dim is "
                                             "not given",
                                             config.hidden_size, config.num_attention_heads));
    config.head_dim = config.hidden_size / config.num_attention_heads;
  }
  if (config.head_dim % 2 != 0) reader.fail("head_dim", fmt::format("({}) must be even", config.head_dim));
  if (config.num_attention_heads * config.head_dim > limits::max_width)
    reader.fail("head_dim", fmt::format("({}) times num_attention_heads ({}) must stay within {}", config.head_dim,
                                        config.num_attention_heads, limits::max_width));
  config.max_position_embeddings =
      reader.optional_integer("max_position_embeddings", architecture.default_max_positions, 1, limits::max_positions);
  if (const json* value = reader.get("rms_norm_eps"))
    config.rms_norm_eps = reader.real(value, "rms_norm_eps", limits::min_norm_eps, limits::max_norm_eps);
  const detail::RopeSettings rope = detail::read_rope_settings(reader);
  config.rope_theta = rope.theta;
  config.rope_scaling = rope.scaling;
  config.sliding_rope_theta = rope.sliding_theta;
  config.rotary_dim = detail::rotary_dimensions(reader, rope.partial_rotary_factor, config.head_dim);

  config.mlp_bias = config.model_type == "llama" && reader.boolean("mlp_bias", false);
  // Qwen2 always biases q, k and v; Phi-3's fused projection never has a bias.
  config.attention_bias =
      config.model_type == "qwen2" || (config.model_type != "phi3" && reader.boolean("attention_bias", false));
  config.qk_norm = config.model_type == "qwen3" || config.model_type == "gemma3_text";
  config.fused_projections = config.model_type == "phi3";
  config.tie_word_embeddings = reader.boolean("tie_word_embeddings", false);
  read_activation(reader, config);
  config.dtype = read_dtype(reader);

  const std::vector<std::int64_t> bos = read_token_ids(reader, "bos_token_id", config.vocab_size);
  if (bos.size() > 1) reader.fail("bos_token_id", "must be one id");
  if (!bos.empty()) config.bos_token_id = bos.front();
  config.eos_token_ids = read_token_ids(reader, "eos_token_id", config.vocab_size);

  read_sliding_layers(reader, config);
  if (is_gemma(config)) read_gemma_fields(reader, config);
  return config;
}

ModelConfig read_model_config(const std::filesystem::path& path) {
  const std::filesystem::path file = std::filesystem::is_directory(path) ? path / "config.json" : path;
  std::string why;
  const std::optional<std::string> text = safe_io::read_regular_file(file, config_json_max_bytes, why);
  if (!text)
    throw Error(
        StatusCode::unavailable,
        fmt::format("{}: {}{}", file.string(), why,
                    std::filesystem::exists(file)
                        ? fmt::format("; config.json must be a regular file (or a symlink to one) of at most {}",
                                      safe_io::size_text(config_json_max_bytes))
                        : " (is this a model folder?)"));
  return parse_model_config(*text, file.string());
}

}  // namespace strata
