// From a Hugging Face config to a ModelGraph, and where a Session finds the weights of a graph:
// a checkpoint, weights the integrator holds in memory, or random weights for benchmarks.
#pragma once

#include <strata/export.hpp>

#include <strata/checkpoint.hpp>
#include <strata/model_graph.hpp>
#include <strata/types.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// Reads the fields of a Llama, Mistral, Qwen2, Qwen3 or Phi-3 config.json. Throws Error(invalid_argument)
// naming `source` and the field when the JSON is malformed (a key given twice, at any depth,
// included), a field is missing or out of range (the message gives the value and the range), or
// Error(unsupported) when the architecture, activation or rope scaling is one Strata does not run.
STRATA_API ModelConfig parse_model_config(std::string_view json_text, std::string_view source = "config.json");

// Real config.json files hold a few KiB; anything larger is not one.
inline constexpr std::uint64_t config_json_max_bytes = std::uint64_t{4} << 20;

// `path` is a checkpoint folder or a config.json file. The file is read only when it is a regular
// file (or a symlink to one) of at most config_json_max_bytes; otherwise Error(unavailable) names
// it and says why (a named pipe, a device, its size against the cap).
STRATA_API ModelConfig read_model_config(const std::filesystem::path& path);

// The Llama-family graph of `config`: model.embed_tokens, model.layers.0 .. N-1, model.norm,
// lm_head, with Hugging Face's parameter names, every parameter in config.dtype. Norm weights,
// projections and biases follow the architecture (Qwen2: q/k/v biases; Qwen3: q/k norms; Phi-3:
// fused qkv and gate/up projections; Llama: attention_bias and mlp_bias; tie_word_embeddings:
// lm_head lists model.embed_tokens.weight, tied_to set).
STRATA_API ModelGraph build_model_graph(const ModelConfig& config);

// Checks what a Session needs of a graph, built from a config or by hand: embedding first,
// lm_head last, unique unit names, each unit's parameters present with the shapes the config
// implies. Throws Error(invalid_argument) naming the unit and the parameter.
STRATA_API void validate_model_graph(const ModelGraph& graph);

// Where a Session finds the bytes of each parameter.
class STRATA_API WeightSource {
 public:
  virtual ~WeightSource() = default;

  // Hands the bytes of `parameter` (in parameter.dtype, parameter.bytes() in all) to `sink` in
  // one or more pieces, in order, each a whole number of elements.
  virtual void read(const ParameterInfo& parameter,
                    const std::function<void(std::span<const std::byte>)>& sink) const = 0;

  // Host memory that holds `parameter` for as long as `owner` lives (a memory-mapped file):
  // the session reads "disk" units through it without copying. nullopt when there is none.
  struct Mapped {
    std::span<const std::byte> region;  // a whole mapping, page-aligned: imported once per device
    std::uint64_t offset = 0;           // where the parameter starts inside `region`
    std::shared_ptr<const void> owner;  // keeps the mapping alive
    // Throws Error naming the file when it no longer holds what was mapped (truncated or
    // rewritten since): the session calls it around every step that reads the region. May be
    // empty for memory that cannot change.
    std::function<void()> check;
  };
  virtual std::optional<Mapped> mapped(const ParameterInfo& parameter) const;
};

// The weights of an opened checkpoint: read() copies them from the files with pread, mapped()
// hands out the files' mappings for "disk" units.
class STRATA_API CheckpointWeights final : public WeightSource {
 public:
  explicit CheckpointWeights(Checkpoint checkpoint) : checkpoint_(std::move(checkpoint)) {}
  void read(const ParameterInfo& parameter, const std::function<void(std::span<const std::byte>)>& sink) const override;
  std::optional<Mapped> mapped(const ParameterInfo& parameter) const override;

 private:
  Checkpoint checkpoint_;
};

// Weights an integrator holds in memory, by parameter name, in the parameter's dtype.
class STRATA_API HostWeights final : public WeightSource {
 public:
  void set(std::string name, std::vector<std::byte> bytes);
  void set_f32(std::string name, std::span<const float> values);
  void read(const ParameterInfo& parameter, const std::function<void(std::span<const std::byte>)>& sink) const override;

 private:
  std::map<std::string, std::vector<std::byte>, std::less<>> tensors_;
};

// Deterministic random weights for any graph, made piece by piece while loading (never the
// whole model in RAM): uniform in +-1/sqrt(fan_in) for matrices, 1 for norm weights, small
// values for biases. For benchmarks and tests of shapes no checkpoint exists for.
class STRATA_API RandomWeights final : public WeightSource {
 public:
  explicit RandomWeights(std::uint64_t seed = 0) : seed_(seed) {}
  void read(const ParameterInfo& parameter, const std::function<void(std::span<const std::byte>)>& sink) const override;

 private:
  std::uint64_t seed_;
};

}  // namespace strata
