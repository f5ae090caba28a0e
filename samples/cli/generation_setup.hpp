// What `strata run`, `strata chat` and `strata serve` share: where the model is placed and loaded
// (device map, memory budgets, KV cache, progress), and how it generates (sampling flags over the
// defaults of the model's generation_config.json).
#pragma once

#include <strata/chat_template.hpp>
#include <strata/generate.hpp>
#include <strata/generation_config.hpp>
#include <strata/model_graph.hpp>
#include <strata/planner.hpp>
#include <strata/runtime.hpp>
#include <strata/session.hpp>
#include <strata/tokenizer.hpp>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

struct PlacementOptions {
  std::string device_map = "auto";
  std::string max_memory;
  std::string kv_dtype;      // "": the model's
  std::int64_t context = 0;  // 0: the command's own default
};
void add_placement_options(CLI::App& command, PlacementOptions& options);

// The demo model installed beside the executable.
std::filesystem::path default_model_dir();

// --kv-dtype: f32, f16, or "" for the model's own width.
std::optional<DType> kv_dtype_option(const std::string& text);

// A plan on the runtime's devices for `sequences` sequences (each with KV caches of `context`
// tokens, decoded together in `micro_batches` pipelined micro-batches) and prompts of
// `prompt_tokens`; measures first the devices it may use that were never measured on this machine.
PlanResult plan_placement(const PlacementOptions& options, const ModelGraph& graph, Runtime& runtime,
                          std::int64_t context, std::int64_t prompt_tokens, bool quiet, std::int64_t sequences = 1,
                          std::int64_t micro_batches = 1);

// A bar redrawn in place on a terminal; a line per quarter otherwise (logs, pipes, CI).
class LoadReporter {
 public:
  explicit LoadReporter(bool quiet);
  void operator()(const LoadProgress& progress);

 private:
  bool quiet_;
  bool terminal_;
  int last_quarter_ = 0;
};

// The placement, on stderr with the other reports, so that stdout carries the text alone.
void print_placement(const std::vector<TargetPlacement>& placement, std::string_view strategy);

// A predicted rate as text: "unknown" when a device had no measured figures.
std::string detail_rate(double tokens_per_second);

// --temperature, --top-k, --top-p, --min-p, --repetition-penalty, --seed, --max-new-tokens, --stop.
struct SamplingFlags {
  float temperature = 0.0f;
  std::int32_t top_k = 0;
  float top_p = 1.0f;
  float min_p = 0.0f;
  float repetition_penalty = 1.0f;
  std::uint64_t seed = 0;
  std::int64_t max_new_tokens = 64;
  std::vector<std::string> stop;
  const CLI::App* command = nullptr;  // to tell a flag given from its default
};
void add_sampling_flags(CLI::App& command, SamplingFlags& flags);

// The model's generation defaults (generation_config.json, else the EOS ids of config.json), then
// every flag given on the command line over them.
GenerateOptions generation_options(const SamplingFlags& flags, const std::optional<GenerationConfig>& generation_config,
                                   const ModelConfig& model_config);

// With no EOS id in the model's configs, the chat template's eos_token ends a reply.
void add_template_eos(GenerateOptions& generation, const ChatTemplate& chat, const Tokenizer& tokenizer);

}  // namespace strata::cli
