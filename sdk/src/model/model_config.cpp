// config.json of the Llama family -> ModelConfig, strictly: a field of the wrong type or out of
// range is an error naming the file and the field, never a silent default.
#include "model/config_limits.hpp"

#include <strata/error.hpp>
#include <strata/model.hpp>

#include <strata_safe_io/bounded_json.hpp>
#include <strata_safe_io/printable.hpp>
#include <strata_safe_io/regular_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace strata {
namespace {

using nlohmann::json;
using safe_io::printable;

namespace limits = detail::config_limits;

struct Architecture {
  std::string_view name;
  std::string_view model_type;
  std::int64_t default_max_positions;
};

constexpr Architecture architectures[] = {
    {"LlamaForCausalLM", "llama", 2048},  {"MistralForCausalLM", "mistral", 4096 * 32},
    {"Qwen2ForCausalLM", "qwen2", 32768}, {"Qwen3ForCausalLM", "qwen3", 32768},
    {"Phi3ForCausalLM", "phi3", 4096},
};

class Reader {
 public:
  Reader(const json& root, std::string_view source) : root_(root), source_(source) {}

  [[noreturn]] void fail(std::string_view field, std::string_view why,
                         StatusCode code = StatusCode::invalid_argument) const {
    throw Error(code, fmt::format("{}: field '{}' {}", source_, field, why));
  }

  const json* get(const json& object, std::string_view field) const {
    auto it = object.find(field);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }
  const json* get(std::string_view field) const { return get(root_, field); }

  std::int64_t integer(const json* value, std::string_view field, std::int64_t low, std::int64_t high) const {
    if (!value->is_number_integer()) fail(field, fmt::format("must be an integer, got {}", value->type_name()));
    if (value->is_number_unsigned() && value->get<std::uint64_t>() > static_cast<std::uint64_t>(high))
      fail(field, fmt::format("must lie in {}..{}, got {}", low, high, value->get<std::uint64_t>()));
    const auto number = value->get<std::int64_t>();
    if (number < low || number > high) fail(field, fmt::format("must lie in {}..{}, got {}", low, high, number));
    return number;
  }
  std::int64_t required_integer(std::string_view field, std::int64_t low, std::int64_t high) const {
    const json* value = get(field);
    if (!value) fail(field, "is missing");
    return integer(value, field, low, high);
  }
  std::int64_t optional_integer(std::string_view field, std::int64_t fallback, std::int64_t low,
                                std::int64_t high) const {
    const json* value = get(field);
    return value ? integer(value, field, low, high) : fallback;
  }

  double real(const json* value, std::string_view field, double low, double high) const {
    if (!value->is_number()) fail(field, fmt::format("must be a number, got {}", value->type_name()));
    const auto number = value->get<double>();
    if (!std::isfinite(number) || number < low || number > high)
      fail(field, fmt::format("must lie in {:g}..{:g}, got {}", low, high, number));
    return number;
  }

  bool boolean(std::string_view field, bool fallback) const {
    const json* value = get(field);
    if (!value) return fallback;
    if (!value->is_boolean()) fail(field, fmt::format("must be true or false, got {}", value->type_name()));
    return value->get<bool>();
  }

  std::string text(const json* value, std::string_view field) const {
    if (!value->is_string()) fail(field, fmt::format("must be a string, got {}", value->type_name()));
    return value->get<std::string>();
  }

 private:
  const json& root_;
  std::string_view source_;
};

const Architecture& find_architecture(const Reader& reader, const json& root, std::string_view source) {
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

struct Rope {
  double theta = 10000.0;
  double partial_rotary_factor = 1.0;
};

// rope_theta and partial_rotary_factor sit at the top level (transformers 4) or under
// rope_parameters (transformers 5); only the plain rotation runs on the op set, so any other
// rope_type is refused.
Rope read_rope(const Reader& reader) {
  Rope rope;
  if (const json* value = reader.get("rope_theta"))
    rope.theta = reader.real(value, "rope_theta", limits::min_rope_theta, limits::max_rope_theta);
  if (const json* value = reader.get("partial_rotary_factor"))
    rope.partial_rotary_factor = reader.real(value, "partial_rotary_factor", 0.0, 1.0);
  for (std::string_view block_name : {"rope_parameters", "rope_scaling"}) {
    const json* block = reader.get(block_name);
    if (!block) continue;
    if (!block->is_object()) reader.fail(block_name, "must be an object");
    for (std::string_view type_key : {"rope_type", "type"}) {
      const json* type = reader.get(*block, type_key);
      if (!type) continue;
      const std::string kind = reader.text(type, fmt::format("{}.{}", block_name, type_key));
      if (kind != "default")
        reader.fail(fmt::format("{}.{}", block_name, type_key),
                    fmt::format("is '{}'; only the default rotary embedding is supported", printable(kind)),
                    StatusCode::unsupported);
    }
    if (const json* value = reader.get(*block, "rope_theta"))
      rope.theta =
          reader.real(value, fmt::format("{}.rope_theta", block_name), limits::min_rope_theta, limits::max_rope_theta);
    if (const json* value = reader.get(*block, "partial_rotary_factor"))
      rope.partial_rotary_factor = reader.real(value, fmt::format("{}.partial_rotary_factor", block_name), 0.0, 1.0);
  }
  return rope;
}

// transformers rotates int(head_dim x partial_rotary_factor) features, in pairs.
std::int64_t rotary_dimensions(const Reader& reader, const Rope& rope, std::int64_t head_dim) {
  if (rope.partial_rotary_factor == 1.0) return head_dim;
  const auto rotary = static_cast<std::int64_t>(static_cast<double>(head_dim) * rope.partial_rotary_factor);
  if (rotary < 2 || rotary % 2 != 0)
    reader.fail("partial_rotary_factor",
                fmt::format("({:g}) times head_dim ({}) gives {} rotating features; it must give an even number of "
                            "at least 2",
                            rope.partial_rotary_factor, head_dim, rotary));
  return rotary;
}

DType read_dtype(const Reader& reader) {
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

std::vector<std::int64_t> read_token_ids(const Reader& reader, std::string_view field, std::int64_t vocab) {
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

}  // namespace

ModelConfig parse_model_config(std::string_view json_text, std::string_view source) {
  std::string why;
  const std::optional<json> parsed = safe_io::parse_bounded_json(json_text, why);
  if (!parsed) throw Error(StatusCode::invalid_argument, fmt::format("{}: not valid JSON: {}", source, why));
  const json& root = *parsed;
  if (!root.is_object()) throw Error(StatusCode::invalid_argument, fmt::format("{}: must hold a JSON object", source));
  const Reader reader(root, source);

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
  const Rope rope = read_rope(reader);
  config.rope_theta = rope.theta;
  config.rotary_dim = rotary_dimensions(reader, rope, config.head_dim);

  config.mlp_bias = config.model_type == "llama" && reader.boolean("mlp_bias", false);
  // Qwen2 always biases q, k and v; Phi-3's fused projection never has a bias.
  config.attention_bias =
      config.model_type == "qwen2" || (config.model_type != "phi3" && reader.boolean("attention_bias", false));
  config.qk_norm = config.model_type == "qwen3";
  config.fused_projections = config.model_type == "phi3";
  config.tie_word_embeddings = reader.boolean("tie_word_embeddings", false);
  if (const json* value = reader.get("hidden_act")) config.hidden_act = reader.text(value, "hidden_act");
  if (config.hidden_act == "swish") config.hidden_act = "silu";  // the same function in transformers
  if (config.hidden_act != "silu")
    reader.fail("hidden_act", fmt::format("is '{}'; the Llama family runs 'silu'", printable(config.hidden_act)),
                StatusCode::unsupported);
  config.dtype = read_dtype(reader);

  const std::vector<std::int64_t> bos = read_token_ids(reader, "bos_token_id", config.vocab_size);
  if (bos.size() > 1) reader.fail("bos_token_id", "must be one id");
  if (!bos.empty()) config.bos_token_id = bos.front();
  config.eos_token_ids = read_token_ids(reader, "eos_token_id", config.vocab_size);

  // Sliding-window attention is not in the op set: cap the context at the window instead, which
  // computes the same thing for every context the session admits.
  bool sliding =
      config.model_type == "mistral" || config.model_type == "phi3" || reader.boolean("use_sliding_window", false);
  if (const json* types = reader.get("layer_types")) {
    if (!types->is_array()) reader.fail("layer_types", "must be a list");
    for (const json& type : *types)
      if (reader.text(&type, "layer_types") == "sliding_attention") sliding = true;
  }
  if (sliding)
    if (const json* value = reader.get("sliding_window"))
      config.sliding_window = reader.integer(value, "sliding_window", 1, limits::max_positions);
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
